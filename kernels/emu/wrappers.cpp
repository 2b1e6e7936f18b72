// C entry points for the emulated kernels (ctypes calls these): grid, block, then the kernel's own arguments.
#define W(name, ...) ie_emu_run(name, gx, gy, bx, __VA_ARGS__)
#define P const float*
#define PI const int*
#define F float*
extern "C" {
#ifdef IE_EMU_EMBEDDING
void emu_ie_gather(int gx, int gy, int bx, P t, PI ids, F o, int n, int d) { W(ie_gather, t, ids, o, n, d); }
void emu_ie_pool(int gx, int gy, int bx, P in, F o, PI len, PI map, int rows, int T, int w, int masked, int mean, float eps, int left) {
    W(ie_pool, in, o, len, map, rows, T, w, masked, mean, eps, left); }
#endif
#ifdef IE_EMU_ELEMENTWISE
void emu_ie_concat_part(int gx, int gy, int bx, P in, F o, PI map, int rows, int T, int w, int W_, int col) { W(ie_concat_part, in, o, map, rows, T, w, W_, col); }
void emu_ie_binary(int gx, int gy, int bx, P a, P b, F o, PI ma, PI mb, int rows, int w, int mul) { W(ie_binary, a, b, o, ma, mb, rows, w, mul); }
void emu_ie_scale_rows(int gx, int gy, int bx, P s, P w_, F o, PI m, int rows, int T, int w) { W(ie_scale_rows, s, w_, o, m, rows, T, w); }
void emu_ie_output(int gx, int gy, int bx, P in, F s, PI m, int c, int w, int kind, int idx, float eps) { W(ie_output, in, s, m, c, w, kind, idx, eps); }
#endif
#ifdef IE_EMU_DENSE
void emu_ie_dense(int gx, int gy, int bx, P x, P Wt, P b, F y, int rows, int in, int out, int act, P p0, P p1, P p2) {
    W(ie_dense, x, Wt, b, y, rows, in, out, act, p0, p1, p2); }
#endif
#ifdef IE_EMU_ATTENTION
void emu_ie_attention(int gx, int gy, int bx, P q, P k, P qp, P kp, P blob, PI desc, int nl, F o, PI len, PI qm, PI km, PI lm,
                      int rows, int T, int d, int sm, float scale, int masked, int left, int rw) {
    W(ie_attention, q, k, qp, kp, blob, desc, nl, o, len, qm, km, lm, rows, T, d, sm, scale, masked, left, rw); }
#endif
#ifdef IE_EMU_GRU
void emu_ie_gru_seq(int gx, int gy, int bx, P xp, PI xm, P att, P Wh, P bh, F os, F last, PI len, PI lm,
                    int rows, int T, int H, int style, int mode, int masked, int left, int sh) {
    W(ie_gru_seq, xp, xm, att, Wh, bh, os, last, len, lm, rows, T, H, style, mode, masked, left, sh); }
#endif
#ifdef IE_EMU_NTM
void emu_ie_ntm_seq(int gx, int gy, int bx, P x, P blob, PI desc, F st, int ss, F mean, F miu, F so, PI len, int rows, int T, int left, float clip) {
    W(ie_ntm_seq, x, blob, desc, st, ss, mean, miu, so, len, rows, T, left, clip); }
void emu_ie_ntm_read(int gx, int gy, int bx, P q, P blob, PI desc, P st, int ss, PI sm, PI qm, F o, int rows, float clip) {
    W(ie_ntm_read, q, blob, desc, st, ss, sm, qm, o, rows, clip); }
#endif
}
