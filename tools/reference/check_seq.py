"""numpy interpreter of the recurrent ops (gru, mimn, mimn_read) for check_goldens.py, written from
docs/FORMAT.md alone (it shares no code with dien.py or mimn.py): a third implementation that ties the
format's documented layouts to the PyTorch references' scores. float64.
"""
import numpy as np


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(-abs(x))) + max(x, 0.0)


def cell(m, spec, H):
    """GRU_CELL -> f(x, h) = (g, c): g the plain cell's keep fraction, c the candidate."""
    t = lambda k, n: m.t(spec[k]) if k in spec else np.zeros(n)
    if spec["style"] == "tf":
        Wg, bg, Wc, bc = m.t(spec["gate_weight"]), t("gate_bias", 2 * H), m.t(spec["candidate_weight"]), t("candidate_bias", H)

        def f(x, h):
            v = _sig(Wg @ np.concatenate([x, h]) + bg)
            r, u = v[:H], v[H:]
            return u, np.tanh(Wc @ np.concatenate([x, r * h]) + bc)
        return f
    Wi, Wh, bi, bh = m.t(spec["weight_ih"]), m.t(spec["weight_hh"]), t("bias_ih", 3 * H), t("bias_hh", 3 * H)

    def f(x, h):
        gi, gh = Wi @ x + bi, Wh @ h + bh
        r = _sig(gi[:H] + gh[:H])
        z = _sig(gi[H:2 * H] + gh[H:2 * H])
        return z, np.tanh(gi[2 * H:] + r * gh[2 * H:])
    return f


def gru(m, op, v, mask):
    x = v[op["in"]]
    B, T, _ = x.shape
    H = op["hidden"]
    f = cell(m, op["cell"], H)
    form = op.get("attention_form", "none")
    a = v[op["attention"]][:, :, 0] if form != "none" else np.zeros((B, T))
    seq = op.get("return", "sequence") == "sequence"
    out = np.zeros((B, T, H)) if seq else np.zeros((B, H))
    for b in range(B):
        h = np.zeros(H)
        for t in range(T):
            if not mask[b, t]:
                continue
            xt = x[b, t] * (a[b, t] if form == "aigru" else 1.0)
            g, c = f(xt, h)
            if form in ("none", "aigru"):
                h = g * h + (1 - g) * c
            elif form == "augru_keep":
                k = (1 - a[b, t]) * g
                h = k * h + (1 - k) * c
            elif form == "augru_update":
                u = a[b, t] * g
                h = (1 - u) * h + u * c
            elif form == "agru":
                h = (1 - a[b, t]) * h + a[b, t] * c
            if seq:
                out[b, t] = h
        if not seq:
            out[b] = h
    v[op["out"]] = out


class _Mimn:
    def __init__(self, m, op):
        self.op = op
        self.mm, self.D, self.H = op["slots"], op["memory_dim"], op["controller_units"]
        self.sr = op.get("shift_range", 1)
        self.per = self.D + 3 + 2 * self.sr + 1
        self.clip, self.sharpen = op.get("clip", 20), op.get("sharpen", 2)
        self.util, self.scale = op["util_reg"], op.get("util_scale", 400)
        self.ctrl = cell(m, op["controller"], self.H)
        self.miu = cell(m, op["induction"]["cell"], self.D) if "induction" in op else None
        self.Wp, self.bp = m.t(op["o2p"]["weight"]), m.t(op["o2p"]["bias"])
        self.Wo, self.bo = m.t(op["o2o"]["weight"]), m.t(op["o2o"]["bias"])
        self.r0, self.M0 = np.tanh(m.t(op["init_read"])), np.tanh(m.t(op["init_memory"]))
        self.K = np.tanh(m.t(op["key_memory"]))

    def init(self):
        s = dict(h=np.zeros(self.H), r=self.r0.copy(), M=self.M0.copy(), wa=np.zeros(self.mm), sa=np.zeros((self.mm, self.D)))
        if self.miu:
            s["ms"], s["mo"] = np.zeros((self.mm, self.D)), np.zeros((self.mm, self.D))
        return s

    def params(self, x, s):
        g, c = self.ctrl(np.concatenate([x, s["r"]]), s["h"])
        h = g * s["h"] + (1 - g) * c
        pin = np.concatenate([h, s["wa"] / self.scale]) if self.util else h
        return h, np.clip(self.Wp @ pin + self.bp, -self.clip, self.clip)

    def address(self, p, M):
        D = self.D
        k = np.tanh(p[:D])
        beta = (_softplus(p[D]) + 1) * self.sharpen
        cos = lambda A: (A @ k) / (np.sqrt((A * A).sum(1)) * np.sqrt(k @ k) + 1e-8)
        e = np.exp(beta * 0.5 * (cos(self.K) + cos(M)))
        return e / e.sum()

    def shift(self, w, p):
        D, sr, mm = self.D, self.sr, self.mm
        s = np.exp(p[D + 2:D + 3 + 2 * sr] - p[D + 2:D + 3 + 2 * sr].max())
        s = s / s.sum()
        full = np.zeros(mm)
        full[:sr + 1] = s[:sr + 1]
        full[mm - sr:] = s[sr + 1:]
        wt = np.array([sum(w[j] * full[(i - j) % mm] for j in range(mm)) for i in range(mm)])
        gamma = 2 * (_softplus(p[self.per - 1]) + 1) * self.sharpen
        wt = wt ** gamma
        return wt / wt.sum()

    def step(self, x, s):
        D, per = self.D, self.per
        h, p = self.params(x, s)
        M = s["M"]
        wr = self.address(p[:per], M)
        ww = self.address(p[per:2 * per], M)
        if self.util:
            ww = self.shift(ww, p[per:2 * per])
        n = dict(h=h, r=wr @ M)
        if self.miu:
            j = int(np.argmax(wr))
            ms = s["ms"].copy()
            g, c = self.miu(np.concatenate([x, M[j]]), ms[j])
            ms[j] = g * ms[j] + (1 - g) * c
            mo = np.zeros_like(ms)
            mo[j] = ms[j]
            n["ms"], n["mo"] = ms, mo
        e, a = _sig(p[2 * per:2 * per + D]), np.tanh(p[2 * per + D:2 * per + 2 * D])
        n["M"] = M * (1 - np.outer(ww, e)) + np.outer(ww, a)
        n["sa"] = s["sa"] + np.outer(ww, a)
        n["wa"] = s["wa"] + (self.shift(ww, p[per:2 * per]) if self.util else ww)
        return n

    def reset(self, s):
        s = dict(s, h=np.zeros(self.H), M=self.M0.copy(), sa=np.zeros((self.mm, self.D)))
        if self.miu:
            s["ms"] = np.zeros((self.mm, self.D))
        return s

    def read(self, q, s):
        h, p = self.params(q, s)
        r = self.address(p[:self.per], s["M"]) @ s["M"]
        return np.clip(self.Wo @ np.concatenate([h, r]) + self.bo, -self.clip, self.clip)


def mimn(m, op, v, mask):
    x = v[op["in"]]
    B, T, _ = x.shape
    net = _Mimn(m, op)
    padded = op.get("steps", "padded") == "padded"
    states = []
    for b in range(B):
        s = net.init()
        for t in range(T):
            if not padded and not mask[b, t]:
                continue
            s = net.step(x[b, t] if mask[b, t] else np.zeros(x.shape[2]), s)
            if not mask[b, t] and op["mask_flag"]:
                s = net.reset(s)
        states.append(s)
    v[op["out"]] = (net, states)
    v[op["mean_memory"]] = np.stack([s["sa"].mean(0) for s in states])
    if "induction" in op:
        v[op["induction"]["out"]] = np.stack([s["mo"] for s in states])


def mimn_read(m, op, v):
    net, states = v[op["state"]]
    q = v[op["query"]]
    v[op["out"]] = np.stack([net.read(q[b], states[b]) for b in range(len(states))])


def run_op(m, op, v, mask):
    k = op["op"]
    if k == "gru":
        gru(m, op, v, mask)
    elif k == "mimn":
        mimn(m, op, v, mask)
    elif k == "mimn_read":
        mimn_read(m, op, v)
    else:
        raise ValueError("op %s not supported by the checker" % k)
