// Dense layers: y[r, o] = act(sum_k x[r, k] * W[o, k] + b[o]) with W row-major [out, in] (batch norm already
// folded in at load). Bias and activation are fused into the GEMM's epilogue, so a layer is one launch.
#include "common.cuh"
#ifndef IE_EMU
#include <mma.h>
#endif

#define DN_BM 64
#define DN_BN 64
#define DN_BK 16

// fp32 SIMT GEMM: 256 threads, a 64x64 tile of (rows, outputs), each thread 4x4 outputs strided by 16 so
// that a warp reads one shared row without bank conflicts. Tiles are zero-padded at the edges, so any
// rows/in/out works (the small layers of these models: 36..576 inputs, 1..200 outputs).
extern "C" __global__ void __launch_bounds__(256) ie_dense(
        const float* __restrict__ x, const float* __restrict__ W, const float* __restrict__ b,
        float* __restrict__ y, int rows, int in, int out, int act,
        const float* __restrict__ p0, const float* __restrict__ p1, const float* __restrict__ p2) {
    __shared__ float As[DN_BK][DN_BM + 1];
    __shared__ float Bs[DN_BK][DN_BN + 1];
    int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
    int row0 = blockIdx.y * DN_BM, col0 = blockIdx.x * DN_BN;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < in; k0 += DN_BK) {
        for (int q = 0; q < 4; q++) {
            int e = threadIdx.x + 256 * q, m = e / DN_BK, k = e % DN_BK;
            int gr = row0 + m, gc = col0 + m, gk = k0 + k;
            As[k][m] = (gr < rows && gk < in) ? x[(long long) gr * in + gk] : 0.0f;
            Bs[k][m] = (gc < out && gk < in) ? W[(long long) gc * in + gk] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < DN_BK; k++) {
            float a[4], bb[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = As[k][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; j++) bb[j] = Bs[k][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a[i], bb[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
        int r = row0 + ty + 16 * i;
        if (r >= rows) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int o = col0 + tx + 16 * j;
            if (o >= out) continue;
            float v = acc[i][j] + (b ? b[o] : 0.0f);
            y[(long long) r * out + o] = ie_act(act, v, o, p0, p1, p2);
        }
    }
}

#ifndef IE_EMU  // tensor cores have no CPU emulation (kernels/emu)
// The same layer on tensor cores in TF32 (10-bit mantissa inputs, fp32 accumulation): an option for large
// batches where throughput matters more than the last bits (it is checked against the scalar backend with a
// looser tolerance). 128 threads = 4 warps, a 64x64 tile, each warp 32x32 as 2x2 fragments of m16n16k8.
#define TF_LD (DN_BK + 4)
#define TF_LDC (DN_BN + 4)
extern "C" __global__ void __launch_bounds__(128) ie_dense_tf32(
        const float* __restrict__ x, const float* __restrict__ W, const float* __restrict__ b,
        float* __restrict__ y, int rows, int in, int out, int act,
        const float* __restrict__ p0, const float* __restrict__ p1, const float* __restrict__ p2) {
    using namespace nvcuda;
    __shared__ __align__(32) float As[DN_BM * TF_LD];   // [row][k]
    __shared__ __align__(32) float Bs[DN_BN * TF_LD];   // [out][k] = B col-major
    __shared__ __align__(32) float Cs[DN_BM * TF_LDC];
    int warp = threadIdx.x >> 5, wr = (warp >> 1) * 32, wc = (warp & 1) * 32;
    int row0 = blockIdx.y * DN_BM, col0 = blockIdx.x * DN_BN;
    wmma::fragment<wmma::accumulator, 16, 16, 8, float> c[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) wmma::fill_fragment(c[i][j], 0.0f);
    for (int k0 = 0; k0 < in; k0 += DN_BK) {
        for (int e = threadIdx.x; e < DN_BM * DN_BK; e += 128) {
            int m = e / DN_BK, k = e % DN_BK, gk = k0 + k;
            int gr = row0 + m, gc = col0 + m;
            As[m * TF_LD + k] = (gr < rows && gk < in) ? x[(long long) gr * in + gk] : 0.0f;
            Bs[m * TF_LD + k] = (gc < out && gk < in) ? W[(long long) gc * in + gk] : 0.0f;
        }
        __syncthreads();
        for (int kk = 0; kk < DN_BK; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> a[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major> bf[2];
            for (int i = 0; i < 2; i++) {
                wmma::load_matrix_sync(a[i], As + (wr + 16 * i) * TF_LD + kk, TF_LD);
                for (int t = 0; t < a[i].num_elements; t++) a[i].x[t] = wmma::__float_to_tf32(a[i].x[t]);
            }
            for (int j = 0; j < 2; j++) {
                wmma::load_matrix_sync(bf[j], Bs + (wc + 16 * j) * TF_LD + kk, TF_LD);
                for (int t = 0; t < bf[j].num_elements; t++) bf[j].x[t] = wmma::__float_to_tf32(bf[j].x[t]);
            }
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) wmma::mma_sync(c[i][j], a[i], bf[j], c[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            wmma::store_matrix_sync(Cs + (wr + 16 * i) * TF_LDC + wc + 16 * j, c[i][j], TF_LDC, wmma::mem_row_major);
    __syncthreads();
    for (int e = threadIdx.x; e < DN_BM * DN_BN; e += 128) {
        int m = e / DN_BN, n = e % DN_BN, r = row0 + m, o = col0 + n;
        if (r < rows && o < out) {
            float v = Cs[m * TF_LDC + n] + (b ? b[o] : 0.0f);
            y[(long long) r * out + o] = ie_act(act, v, o, p0, p1, p2);
        }
    }
}
#endif
