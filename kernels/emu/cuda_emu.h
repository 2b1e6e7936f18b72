// A CPU emulation of the CUDA execution model, just enough to run the kernels' C++ on a machine without a GPU:
// every thread of a block is a std::thread (threadIdx is thread-local), __syncthreads is a std::barrier,
// __shared__ variables are statics (one block runs at a time), warp shuffles exchange through a block-wide
// array between two barriers (every kernel calls its reductions with all threads of the block). Blocks run one
// after another. It checks what a kernel computes and how it indexes, not its speed or the hardware's memory
// model. Included ahead of each .cu by build.sh.
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

struct ie_dim3 { unsigned x = 0, y = 0, z = 0; };
inline thread_local ie_dim3 threadIdx;
inline ie_dim3 blockIdx, blockDim, gridDim;
inline std::barrier<>* ie_emu_barrier = nullptr;
inline float ie_emu_xchg[1024];
alignas(64) inline float ie_emu_shared[1 << 20];

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__
#define __launch_bounds__(n)
#define __shared__ static
#define __align__(n) alignas(n)

inline void __syncthreads() { ie_emu_barrier->arrive_and_wait(); }

inline float __shfl_xor_sync(unsigned, float v, int o) {
    unsigned t = threadIdx.x;
    ie_emu_xchg[t] = v;
    __syncthreads();
    unsigned src = t ^ (unsigned) o;
    float r = src < blockDim.x ? ie_emu_xchg[src] : v;
    __syncthreads();
    return r;
}

#include <math.h>

// Runs kernel k over a grid of gx x gy blocks of bx threads.
template <typename... P, typename... A>
void ie_emu_run(void (*k)(P...), int gx, int gy, int bx, A... args) {
    gridDim = {(unsigned) gx, (unsigned) gy, 1};
    blockDim = {(unsigned) bx, 1, 1};
    for (int by = 0; by < gy; by++) {
        for (int b = 0; b < gx; b++) {
            blockIdx = {(unsigned) b, (unsigned) by, 0};
            std::barrier<> bar(bx);
            ie_emu_barrier = &bar;
            std::vector<std::thread> ts;
            for (int t = 0; t < bx; t++) ts.emplace_back([&, t] { threadIdx = {(unsigned) t, 0, 0}; k(args...); });
            for (auto& th : ts) th.join();
        }
    }
}
