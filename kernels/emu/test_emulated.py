"""Runs every CUDA kernel on the CPU emulator (kernels/emu, cuda_emu.h) and compares it with a numpy reference
written from docs/FORMAT.md and the reference semantics (GRU/AUGRU forms, mimn.py's MIMNCell), at sizes that
hit the kernels' tails. What this checks without a GPU: the arithmetic, the indexing, masks and padding sides,
row maps, the weight layouts the Java side must produce, and the block-level synchronisation structure. What it
cannot check: speed, the hardware's memory model, the TF32 kernel.

usage: kernels/emu/build.sh && /usr/bin/python3 kernels/emu/test_emulated.py
"""
import ctypes
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = {}
PAD = np.float32(-4294967295.0)
# fp32 kernels against fp64 references: sums of <= a few hundred products and expf/tanhf within 2 ulp give
# relative errors ~1e-6; 1e-4 relative + 1e-5 absolute catches every indexing or formula error (those are O(1e-2)).
RTOL, ATOL = 1e-4, 1e-5
FAILS = []


def lib(name):
    if name not in LIB:
        LIB[name] = ctypes.CDLL(os.path.join(HERE, "target", "libemu_%s.so" % name))
    return LIB[name]


def arg(a):
    if a is None:
        return ctypes.c_void_p(None)
    if isinstance(a, np.ndarray):
        assert a.flags["C_CONTIGUOUS"] and a.dtype in (np.float32, np.int32), a.dtype
        return ctypes.c_void_p(a.ctypes.data)
    if isinstance(a, float):
        return ctypes.c_float(a)
    return ctypes.c_int(int(a))


def launch(module, kernel, grid, block, *args):
    gx, gy = grid if isinstance(grid, tuple) else (grid, 1)
    getattr(lib(module), "emu_" + kernel)(ctypes.c_int(gx), ctypes.c_int(gy), ctypes.c_int(block), *[arg(a) for a in args])


def f32(a):
    return np.ascontiguousarray(a, dtype=np.float32)


def i32(a):
    return np.ascontiguousarray(a, dtype=np.int32)


def close(what, got, ref, rtol=RTOL, atol=ATOL):
    got = np.asarray(got, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    bad = ~(np.abs(got - ref) <= atol + rtol * np.abs(ref))
    if bad.any():
        i = np.argwhere(bad)[0]
        FAILS.append("%s: at %s got %r expected %r (%d of %d off)" % (what, tuple(i), got[tuple(i)], ref[tuple(i)], bad.sum(), bad.size))
        print("FAIL", FAILS[-1])
    else:
        print("ok  ", what)


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def act(code, x, p0=None, p1=None, p2=None):
    if code == 1:
        return np.maximum(x, 0)
    if code == 2:
        return sig(x)
    if code == 3:
        return np.tanh(x)
    if code == 4:
        return np.maximum(0, x) + p0 * np.minimum(0, x)
    if code == 5:
        p = sig(p1 * x + p2)
        return p0 * (1 - p) * x + p * x
    return x


def first(T, L, left):
    return T - L if left else 0


# ---------------------------------------------------------------------------------------------------------------
def test_embedding(rng):
    for n, dim in [(1, 1), (13, 7), (207, 18)]:
        table = f32(rng.standard_normal((50, dim)))
        ids = i32(rng.integers(0, 50, n))
        out = np.zeros((n, dim), np.float32)
        launch("embedding", "ie_gather", 2, 64, table, ids, out, n, dim)
        close("gather n=%d dim=%d" % (n, dim), out, table[ids])
    for rows, T, w in [(1, 1, 1), (3, 17, 5), (13, 100, 3)]:
        x = f32(rng.standard_normal((rows, T, w)))
        lens = i32(rng.integers(0, T + 1, rows))
        lens[0] = 0
        for masked in (0, 1):
            for mean in (0, 1):
                for left in (0, 1):
                    for eps in (0.0, 1e-8):
                        out = np.zeros((rows, w), np.float32)
                        launch("embedding", "ie_pool", 3, 32, x, out, lens, None, rows, T, w, masked, mean, eps, left)
                        ref = np.zeros((rows, w))
                        for r in range(rows):
                            L = lens[r] if masked else T
                            t0 = first(T, L, left) if masked else 0
                            s = x[r, t0:t0 + L].astype(np.float64).sum(0)
                            if mean:
                                d = L + eps if masked else T
                                s = s * 0 if d == 0 else s / d
                            ref[r] = s
                        close("pool rows=%d T=%d masked=%d mean=%d left=%d eps=%g" % (rows, T, masked, mean, left, eps), out, ref)
    # A candidate-scope sequence takes its length through the row map.
    x = f32(rng.standard_normal((4, 6, 2)))
    lens = i32([2, 5])
    rmap = i32([1, 0, 1, 1])
    out = np.zeros((4, 2), np.float32)
    launch("embedding", "ie_pool", 1, 32, x, out, lens, rmap, 4, 6, 2, 1, 0, 0.0, 0)
    close("pool through the row map", out, np.stack([x[r, :lens[rmap[r]]].sum(0) for r in range(4)]))


def test_elementwise(rng):
    for rows, T, ws in [(1, 1, [1, 2]), (17, 1, [5, 3, 7]), (3, 13, [4, 4])]:
        W = sum(ws)
        out = np.zeros((rows, T, W), np.float32)
        ref = np.zeros((rows, T, W), np.float32)
        col = 0
        for k, w in enumerate(ws):
            broadcast = k == 0 and T == 1
            src_rows = 2 if broadcast else rows
            x = f32(rng.standard_normal((src_rows, T, w)))
            m = i32(rng.integers(0, 2, rows)) if broadcast else None
            launch("elementwise", "ie_concat_part", 2, 64, x, out, m, rows, T, w, W, col)
            ref[:, :, col:col + w] = x[m] if broadcast else x
            col += w
        close("concat rows=%d T=%d widths=%s" % (rows, T, ws), out, ref)
    for rows, w in [(1, 1), (207, 36)]:
        a = f32(rng.standard_normal((1, w)))
        b = f32(rng.standard_normal((rows, w)))
        m = i32(np.zeros(rows))
        for mul in (0, 1):
            out = np.zeros((rows, w), np.float32)
            launch("elementwise", "ie_binary", 3, 128, a, b, out, m, None, rows, w, mul)
            close("binary mul=%d rows=%d" % (mul, rows), out, a[m] * b if mul else a[m] + b)
    seq = f32(rng.standard_normal((2, 5, 3)))
    s = f32(rng.random((4, 5)))
    m = i32([0, 1, 1, 0])
    out = np.zeros((4, 5, 3), np.float32)
    launch("elementwise", "ie_scale_rows", 2, 32, seq, s, out, m, 4, 5, 3)
    close("scale_rows", out, seq[m] * s[:, :, None])
    for kind, w in [(0, 1), (1, 2), (2, 1)]:
        for index in (0, 1):
            x = f32(rng.standard_normal((13, w)) * 3)
            out = np.zeros(13, np.float32)
            launch("elementwise", "ie_output", 1, 32, x, out, None, 13, w, kind, index, 1e-8)
            xd = x.astype(np.float64)
            if kind == 0:
                ref = sig(xd[:, 0])
            elif kind == 1:
                e = np.exp(xd - xd.max(1, keepdims=True))
                ref = e[:, index] / e.sum(1) + 1e-8
            else:
                ref = xd[:, 0]
            close("output kind=%d index=%d" % (kind, index), out, ref, 1e-6, 1e-7)


def act_params(rng, code, width):
    if code == 4:
        return [f32(rng.standard_normal(width) * 0.3), None, None]
    if code == 5:
        return [f32(rng.standard_normal(width) * 0.3), f32(rng.standard_normal(width)), f32(rng.standard_normal(width) * 0.2)]
    return [None, None, None]


def test_dense(rng):
    for rows, n_in, n_out in [(1, 1, 1), (3, 17, 80), (65, 36, 65), (130, 144, 3), (207, 200, 80)]:
        for code in range(6):
            if code and (rows, n_in) == (1, 1):
                continue
            x = f32(rng.standard_normal((rows, n_in)))
            W = f32(rng.standard_normal((n_out, n_in)) / np.sqrt(n_in))
            b = f32(rng.standard_normal(n_out) * 0.1) if code != 3 else None
            p = act_params(rng, code, n_out)
            y = np.zeros((rows, n_out), np.float32)
            launch("dense", "ie_dense", ((n_out + 63) // 64, (rows + 63) // 64), 256, x, W, b, y, rows, n_in, n_out, code, *p)
            pre = x.astype(np.float64) @ W.T.astype(np.float64) + (0 if b is None else b)
            pp = [None if v is None else v.astype(np.float64) for v in p]
            close("dense rows=%d %d->%d act=%d" % (rows, n_in, n_out, code), y, act(code, pre, *pp))


# ---------------------------------------------------------------------------------------------------------------
def split_attention(W1, b1, layers, d):
    """What AttentionWeights.java does: Wq' = Wq + Wd, Wk' = Wk - Wd, Wp; blob + desc (8 ints per layer)."""
    Wq, Wk, Wd, Wp = W1[:, :d], W1[:, d:2 * d], W1[:, 2 * d:3 * d], W1[:, 3 * d:]
    blob, desc = [], []

    def app(v):
        off = sum(len(x) for x in blob)
        blob.append(np.asarray(v, np.float32).reshape(-1))
        return off

    for l, (W, b, code, p) in enumerate(layers):
        desc += [d if l == 0 else W.shape[1], W.shape[0], code, app(Wp if l == 0 else W), -1 if l == 0 else app(b)]
        desc += [-1 if v is None else app(v) for v in p]
    return f32(Wq + Wd), f32(Wk - Wd), f32(np.concatenate(blob)), i32(desc)


def test_attention(rng):
    for (d, T, hidden, rowsq, rowsk, bcast) in [(3, 1, [5], 1, 1, False), (8, 13, [7, 5], 17, 1, True), (6, 100, [80, 40], 3, 3, False)]:
        codes = [2, 5, 4, 1][:len(hidden)]
        layers, n_in = [], 4 * d
        for h, c in zip(hidden + [1], codes + [0]):
            layers.append((f32(rng.standard_normal((h, n_in)) / np.sqrt(n_in)), f32(rng.standard_normal(h) * 0.1), c, act_params(rng, c, h)))
            n_in = h
        W1, b1 = layers[0][0], layers[0][1]
        wq, wk, blob, desc = split_attention(W1, b1, layers, d)
        rows = rowsq
        q = f32(rng.standard_normal((rowsq, d)))
        keys = f32(rng.standard_normal((rowsk, T, d)))
        lens = i32(rng.integers(0, T + 1, rowsk))
        rowmap = i32(np.zeros(rows)) if bcast else None
        kmap = rowmap
        qproj = f32(q @ wq.T + b1)
        kproj = f32(keys.reshape(-1, d) @ wk.T)
        for softmax in (0, 1):
            for masked in (0, 1):
                for left in (0, 1):
                    for ret in (0, 1):
                        scale = 0.3 if softmax else 1.0
                        out = np.zeros((rows, T) if ret else (rows, d), np.float32)
                        launch("attention", "ie_attention", rows, 128, q, keys, qproj, kproj, blob, desc, len(layers), out, lens,
                               None, kmap, rowmap if bcast else None, rows, T, d, softmax, scale, masked, left, ret)
                        ref = np.zeros(out.shape)
                        for r in range(rows):
                            kr = kmap[r] if kmap is not None else r
                            qq, kk = q[r].astype(np.float64), keys[kr].astype(np.float64)
                            x = np.concatenate([np.broadcast_to(qq, kk.shape), kk, qq - kk, qq * kk], 1)
                            for (W, b, c, p) in layers:
                                x = act(c, x @ W.T.astype(np.float64) + b, *[None if v is None else v.astype(np.float64) for v in p])
                            s = x[:, 0]
                            L = lens[kr] if masked else T
                            t0 = first(T, L, left) if masked else 0
                            real = np.zeros(T, bool)
                            real[t0:t0 + L] = True
                            if softmax:
                                s = np.where(real, s, float(PAD)) * scale
                                e = np.exp(s - s.max())
                                w = e / e.sum()
                            else:
                                w = np.where(real, s, 0.0)
                            ref[r] = w if ret else w @ kk
                        close("attention d=%d T=%d layers=%s bcast=%d softmax=%d masked=%d left=%d weights=%d"
                              % (d, T, hidden, bcast, softmax, masked, left, ret), out, ref)


# ---------------------------------------------------------------------------------------------------------------
def gru_reference(style, mode, x, att, P, lens, masked, left):
    """semantics.md §1/§4, written from the formulas (TF matrices [in+H, out]; PyTorch [3H, in] blocks r,z,n)."""
    rows, T, _ = x.shape
    H = P["H"]
    outs = np.zeros((rows, T, H))
    last = np.zeros((rows, H))
    for r in range(rows):
        h = np.zeros(H)
        L = lens[r] if masked else T
        t0 = first(T, L, left) if masked else 0
        for t in range(T):
            if not (t0 <= t < t0 + L):
                continue
            xt = x[r, t].astype(np.float64)
            a = att[r, t] if att is not None else 0.0
            if style == 0:
                ru = sig(np.concatenate([xt, h]) @ P["Wg"] + P["bg"])
                rg, u = ru[:H], ru[H:]
                c = np.tanh(np.concatenate([xt, rg * h]) @ P["Wc"] + P["bc"])
                cand, keep = c, u
            else:
                gi = P["Wih"] @ xt + P["bih"]
                gh = P["Whh"] @ h + P["bhh"]
                rg = sig(gi[:H] + gh[:H])
                z = sig(gi[H:2 * H] + gh[H:2 * H])
                n = np.tanh(gi[2 * H:] + rg * gh[2 * H:])
                cand, keep = n, z
            if mode == 0:
                h = keep * h + (1 - keep) * cand
            elif mode == 1:  # mouna99 VecAttGRUCell
                u2 = (1 - a) * keep
                h = u2 * h + (1 - u2) * cand
            elif mode == 2:
                h = (1 - a) * h + a * cand
            else:  # DeepCTR-Torch AUGRUCell: u = a*z, h' = (1-u) h + u n
                u2 = a * keep
                h = (1 - u2) * h + u2 * cand
            outs[r, t] = h
        last[r] = h
    return outs, last


def test_gru(rng):
    for rows, T, n_in, H in [(1, 1, 1, 1), (3, 7, 4, 5), (13, 100, 36, 36)]:
        x = f32(rng.standard_normal((rows, T, n_in)))
        att = f32(rng.random((rows, T)))
        lens = i32(rng.integers(0, T + 1, rows))
        s = 1 / np.sqrt(n_in + H)
        P = {"H": H, "Wg": rng.standard_normal((n_in + H, 2 * H)) * s, "bg": rng.standard_normal(2 * H) * 0.1,
             "Wc": rng.standard_normal((n_in + H, H)) * s, "bc": rng.standard_normal(H) * 0.1,
             "Wih": rng.standard_normal((3 * H, n_in)) * s, "Whh": rng.standard_normal((3 * H, H)) * s,
             "bih": rng.standard_normal(3 * H) * 0.1, "bhh": rng.standard_normal(3 * H) * 0.1}
        for style in (0, 1):
            # The kernel's layout: xproj = x·Wxᵀ + bx for all steps, Wh [3H, H] (blocks r, u/z, c/n), bh (PyTorch).
            if style == 0:
                Wx = np.concatenate([P["Wg"][:n_in], P["Wc"][:n_in]], 1)
                bx = np.concatenate([P["bg"], P["bc"]])
                Wh = f32(np.concatenate([P["Wg"][n_in:].T, P["Wc"][n_in:].T], 0))
                bh = None
            else:
                Wx, bx = P["Wih"].T, P["bih"]
                Wh, bh = f32(P["Whh"]), f32(P["bhh"])
            xproj = f32(x.reshape(-1, n_in).astype(np.float64) @ Wx + bx)
            for mode in (0, 1, 2, 3):
                for masked, left in ((1, 0), (1, 1), (0, 0)):
                    for sh in (0, 1):
                        out = np.zeros((rows, T, H), np.float32)
                        last = np.zeros((rows, H), np.float32)
                        launch("gru", "ie_gru_seq", rows, 64, xproj, None, att if mode else None, Wh, bh, out, last, lens, None,
                               rows, T, H, style, mode, masked, left, sh)
                        ro, rl = gru_reference(style, mode, x, att if mode else None, P, lens, masked, left)
                        what = "gru style=%d mode=%d rows=%d T=%d H=%d masked=%d left=%d shared=%d" % (style, mode, rows, T, H, masked, left, sh)
                        close(what + " outputs", out, ro)
                        close(what + " last", last, rl)
    # Candidate rows reading the user's projected inputs through xMap (DIEN's evolution layer).
    rows, T, H = 4, 5, 3
    xproj = f32(rng.standard_normal((1, T, 3 * H)))
    Wh = f32(rng.standard_normal((3 * H, H)) * 0.5)
    att = f32(rng.random((rows, T)))
    lens = i32([3])
    xmap = i32(np.zeros(rows))
    last = np.zeros((rows, H), np.float32)
    launch("gru", "ie_gru_seq", rows, 32, xproj, xmap, att, Wh, None, None, last, lens, xmap, rows, T, H, 0, 1, 1, 0, 1)
    last1 = np.zeros((1, H), np.float32)
    for r in range(rows):
        launch("gru", "ie_gru_seq", 1, 32, xproj, None, f32(att[r:r + 1]), Wh, None, None, last1, lens, None, 1, T, H, 0, 1, 1, 0, 1)
        close("gru broadcast row %d equals its own run" % r, last[r], last1[0], 0, 0)


# ---------------------------------------------------------------------------------------------------------------
def softplus(x):
    return np.log1p(np.exp(x))


def mimn_reference(x, lens, P, mode, left, util, miu, clip=20.0):
    """UIC-Paper/MIMN script/mimn.py MIMNCell (one read, one write head, shift range 1) with Model_MIMN's mask reset."""
    X, D, H, m, O = P["X"], P["D"], P["H"], P["m"], P["O"]
    rows, T, _ = x.shape

    def gru(Wg, bg, Wc, bc, inp, h):  # TF GRUCell, weights [out, in]
        ru = sig(Wg @ np.concatenate([inp, h]) + bg)
        r, u = ru[:len(h)], ru[len(h):]
        c = np.tanh(Wc @ np.concatenate([inp, r * h]) + bc)
        return u * h + (1 - u) * c

    def cos(k, M):
        return (M @ k) / (np.sqrt((M * M).sum(1)) * np.sqrt((k * k).sum()) + 1e-8)

    def address(hp, keyM, M):
        k = np.tanh(hp[:D])
        beta = (softplus(hp[D]) + 1) * 2.0
        K = 0.5 * (cos(k, keyM) + cos(k, M))
        e = np.exp(beta * K)
        return e / e.sum()

    def overflow(w, s_raw, g_raw):
        s = np.exp(s_raw - s_raw.max())
        s = s / s.sum()
        s_full = np.concatenate([s[:2], np.zeros(m - 3), s[2:]])
        gamma = 2 * (softplus(g_raw) + 1) * 2.0
        wt = np.array([sum(w[j] * s_full[(i - j) % m] for j in range(m)) for i in range(m)])
        ws = wt ** gamma
        return ws / ws.sum()

    keyM, M0, r0 = P["keyM"], P["M0"], P["r0"]
    states, seq = [], np.zeros((rows, T, O))
    for row in range(rows):
        h, r, M, sumA, wAgg = np.zeros(H), r0.copy(), M0.copy(), np.zeros((m, D)), np.zeros(m)
        miuS, miuOut = np.zeros((m, D)), np.zeros((m, D))
        L = lens[row]
        t0 = first(T, L, left)
        for t in (range(t0, t0 + L) if mode == 0 else range(T)):
            real = t0 <= t < t0 + L
            xt = x[row, t].astype(np.float64) if real else np.zeros(X)
            hn = gru(P["Wg"], P["bg"], P["Wc"], P["bc"], np.concatenate([xt, r]), h)
            par_in = np.concatenate([hn, wAgg / 400.0]) if util else hn
            par = np.clip(P["Wp"] @ par_in + P["bp"], -clip, clip)
            hr, hw = par[:D + 6], par[D + 6:2 * (D + 6)]
            er, ad = par[2 * (D + 6):2 * (D + 6) + D], par[2 * (D + 6) + D:]
            wr = address(hr, keyM, M)
            ww = address(hw, keyM, M)
            if util:
                ww = overflow(ww, hw[D + 2:D + 5], hw[D + 5])
                wAgg = wAgg + overflow(ww, hw[D + 2:D + 5], hw[D + 5])
            else:
                wAgg = wAgg + ww
            rn = wr @ M
            sel = int(np.argmax(wr))
            a = np.tanh(ad)
            Mn = M * (1 - np.outer(ww, sig(er))) + np.outer(ww, a)
            sumA = sumA + np.outer(ww, a)
            if miu:
                ns = gru(P["Wmg"], P["bmg"], P["Wmc"], P["bmc"], np.concatenate([xt, M[sel]]), miuS[sel])
                miuS = miuS.copy()
                miuS[sel] = ns
                miuOut = np.zeros((m, D))
                miuOut[sel] = ns
            seq[row, t] = np.clip(P["Wo"] @ np.concatenate([hn, rn]) + P["bo"], -clip, clip)
            reset = not real and mode == 1
            h = np.zeros(H) if reset else hn
            r = rn
            M = M0.copy() if reset else Mn
            if reset:
                sumA = np.zeros((m, D))
                miuS = np.zeros((m, D))
        parts = [h, r, M.ravel(), wAgg, sumA.ravel()] + ([miuS.ravel(), miuOut.ravel()] if miu else [])
        states.append((np.concatenate(parts), sumA.mean(0), miuOut.ravel()))
    return (np.stack([a for a, _, _ in states]), np.stack([b for _, b, _ in states]), np.stack([c for _, _, c in states])), seq


def mimn_read_reference(cand, state, umap, P, clip=20.0):
    X, D, H, m, O = P["X"], P["D"], P["H"], P["m"], P["O"]
    out = []
    for c in range(len(umap)):
        st = state[umap[c]]
        h, r = st[:H], st[H:H + D]
        M = st[H + D:H + D + m * D].reshape(m, D)
        wAgg = st[H + D + m * D:H + D + m * D + m]
        ru = sig(P["Wg"] @ np.concatenate([cand[c], r, h]) + P["bg"])
        rg, u = ru[:H], ru[H:]
        hn = u * h + (1 - u) * np.tanh(P["Wc"] @ np.concatenate([cand[c], r, rg * h]) + P["bc"])
        par = np.clip(P["Wp"] @ (np.concatenate([hn, wAgg / 400.0]) if P["util"] else hn) + P["bp"], -clip, clip)
        k = np.tanh(par[:D])
        beta = (softplus(par[D]) + 1) * 2.0
        cs = lambda A: (A @ k) / (np.sqrt((A * A).sum(1)) * np.sqrt((k * k).sum()) + 1e-8)  # noqa: E731
        e = np.exp(beta * 0.5 * (cs(P["keyM"]) + cs(M)))
        w = e / e.sum()
        out.append(np.clip(P["Wo"] @ np.concatenate([hn, w @ M]) + P["bo"], -clip, clip))
    return np.stack(out)


def test_ntm(rng):
    for rows, T, X, D, H, m, O in [(1, 1, 2, 3, 2, 3, 1), (3, 9, 8, 8, 6, 4, 5), (2, 200, 32, 32, 32, 4, 32)]:
        for util in (0, 1):
            for miu in (0, 1):
                P = {"X": X, "D": D, "H": H, "m": m, "O": O, "util": util}
                sd = lambda n: 1 / np.sqrt(n)  # noqa: E731
                Pn = 2 * (D + 6) + 2 * D
                P.update(Wg=rng.standard_normal((2 * H, X + D + H)) * sd(X + D + H), bg=rng.standard_normal(2 * H) * 0.1,
                         Wc=rng.standard_normal((H, X + D + H)) * sd(X + D + H), bc=rng.standard_normal(H) * 0.1,
                         Wp=rng.standard_normal((Pn, H + (m if util else 0))) * sd(H), bp=rng.standard_normal(Pn) * 0.1,
                         Wo=rng.standard_normal((O, H + D)) * sd(H + D), bo=rng.standard_normal(O) * 0.1,
                         keyM=np.tanh(rng.standard_normal((m, D)) * 0.5), M0=np.tanh(rng.standard_normal((m, D)) * 1e-5),
                         r0=np.tanh(rng.standard_normal(D)),
                         Wmg=rng.standard_normal((2 * D, X + 2 * D)) * sd(X + 2 * D), bmg=rng.standard_normal(2 * D) * 0.1,
                         Wmc=rng.standard_normal((D, X + 2 * D)) * sd(X + 2 * D), bmc=rng.standard_normal(D) * 0.1)
                P["knobs"] = np.array([2.0, 400.0])
                names = ["Wg", "bg", "Wc", "bc", "Wp", "bp", "Wo", "bo", "keyM", "M0", "r0"] + (["Wmg", "bmg", "Wmc", "bmc"] if miu else []) + ["knobs"]
                blob, offs = [], {}
                for n in names:
                    offs[n] = sum(len(b) for b in blob)
                    blob.append(np.asarray(P[n], np.float32).ravel())
                blob = f32(np.concatenate(blob))
                base = [X, D, H, m, O, util, miu] + [offs[n] for n in names[:11]] + ([offs[n] for n in names[11:15]] if miu else [-1] * 4) + [offs["knobs"], 1]
                x = f32(rng.standard_normal((rows, T, X)))
                lens = i32(rng.integers(0, T + 1, rows))
                ss = H + D + 2 * m * D + m + (2 * m * D if miu else 0)
                for mode, left in ((1, 1), (1, 0), (2, 1), (0, 0), (0, 1)):
                    desc = i32(base + [mode])
                    state = np.zeros((rows, ss), np.float32)
                    mean = np.zeros((rows, D), np.float32)
                    miu_out = np.zeros((rows, m * D), np.float32)
                    seq = np.zeros((rows, T, O), np.float32)
                    launch("ntm", "ie_ntm_seq", rows, 128, x, blob, desc, state, ss, mean, miu_out if miu else None, seq, lens, rows, T, left, 20.0)
                    (rs, rmean, rmiu), rseq = mimn_reference(x, lens, P, mode, left, util, miu)
                    what = "ntm rows=%d T=%d D=%d m=%d util=%d miu=%d mode=%d left=%d" % (rows, T, D, m, util, miu, mode, left)
                    # 200 recurrent steps through softmax addressing amplify fp32 rounding: 1e-3 relative.
                    tol = (1e-3, 1e-4) if T > 50 else (RTOL, ATOL)
                    close(what + " state", state, rs, *tol)
                    close(what + " mean memory", mean, rmean, *tol)
                    if miu:
                        close(what + " MIU outputs", miu_out, rmiu, *tol)
                    if mode != 0:  # events mode: only real steps have outputs
                        close(what + " per-step output", seq, rseq, *tol)
                    cand = f32(rng.standard_normal((5, X)))
                    umap = i32(rng.integers(0, rows, 5))
                    qmap = i32([4, 3, 2, 1, 0])
                    out = np.zeros((5, O), np.float32)
                    launch("ntm", "ie_ntm_read", 5, 128, cand, blob, desc, state, ss, umap, qmap, out, 5, 20.0)
                    close(what + " read_out", out, mimn_read_reference(cand[qmap].astype(np.float64), state.astype(np.float64), umap, P), *tol)


def main():
    rng = np.random.default_rng(2026)
    only = sys.argv[1:]
    for t in (test_embedding, test_elementwise, test_dense, test_attention, test_gru, test_ntm):
        if not only or t.__name__ in only:
            t(rng)
    print("\n%d failure(s)" % len(FAILS))
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
