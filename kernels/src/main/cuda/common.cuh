// Shared device helpers of the interest-engine kernels: activations with the scalar backend's exact forms,
// block reductions. Every kernel is extern "C" so that the Java side resolves it by a stable name.
#pragma once

// Activation codes; engine-cuda's KernelAbi.Act mirrors them.
#define IE_ACT_LINEAR 0
#define IE_ACT_RELU 1
#define IE_ACT_SIGMOID 2
#define IE_ACT_TANH 3
#define IE_ACT_PRELU 4
#define IE_ACT_DICE 5

// The references' padding score -2^32+1, as fp32 (rounds to -2^32, as it does in the scalar backend).
#define IE_PAD_SCORE (-4294967295.0f)

__device__ __forceinline__ float ie_sigmoid(float x) {
    // expf (not __expf): within 2 ulp of the scalar backend's double exp; fast-math is never enabled.
    return 1.0f / (1.0f + expf(-x));
}

// act(x) for output channel ch. PReLU: p0 = alpha. Dice (folded at load): p = sigmoid(p1*x + p2),
// out = p0*(1-p)*x + p*x.
__device__ __forceinline__ float ie_act(int act, float x, int ch, const float* __restrict__ p0,
                                        const float* __restrict__ p1, const float* __restrict__ p2) {
    switch (act) {
        case IE_ACT_RELU: return x > 0.0f ? x : 0.0f;
        case IE_ACT_SIGMOID: return ie_sigmoid(x);
        case IE_ACT_TANH: return tanhf(x);
        case IE_ACT_PRELU: return fmaxf(0.0f, x) + p0[ch] * fminf(0.0f, x);
        case IE_ACT_DICE: {
            float p = ie_sigmoid(p1[ch] * x + p2[ch]);
            return p0[ch] * (1.0f - p) * x + p * x;
        }
        default: return x;
    }
}

// Block-wide reductions; scratch holds 32 floats; every thread gets the result.
__device__ __forceinline__ float ie_warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float ie_warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ float ie_block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = ie_warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < nw ? scratch[lane] : -INFINITY;
    return ie_warp_max(v);
}

__device__ float ie_block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = ie_warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < nw ? scratch[lane] : 0.0f;
    return ie_warp_sum(v);
}

// First real position of a masked history row of length len (left padding puts real events last).
__device__ __forceinline__ int ie_first(int T, int len, int leftPad) {
    return leftPad ? T - len : 0;
}
