/*
 * The C side of CudaEventQueryBenchmark: the same cudaEventQuery loop, called directly against libcudart.so.13.
 * With a GPU it queries a recorded, completed event (cudaSuccess); without one (no driver) it queries NULL, which
 * returns at once with the driver error, so both sides measure only the call path into the runtime.
 * Build and run: src/test/c/build.sh && target/native/event_query_loop [calls per round] [rounds]
 */
#include <cuda_runtime_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000000L;
    int rounds = argc > 2 ? atoi(argv[2]) : 7;
    int count = 0;
    cudaEvent_t ev = NULL;
    cudaError_t rc = cudaGetDeviceCount(&count);
    if (rc == cudaSuccess && count > 0) {
        cudaEventCreateWithFlags(&ev, cudaEventDisableTiming);
        cudaEventRecord(ev, 0);
        cudaEventSynchronize(ev);
        printf("device: %d CUDA device(s); querying a completed event\n", count);
    } else {
        printf("device: none (cudaGetDeviceCount returned %d %s); querying NULL\n", (int) rc, cudaGetErrorName(rc));
    }
    volatile long sink = 0;
    int code = cudaEventQuery(ev);
    printf("cudaEventQuery returns %d %s\n", code, cudaGetErrorName((cudaError_t) code));
    for (long i = 0; i < n; i++) sink += cudaEventQuery(ev); /* warm-up round */
    double best = 1e30, sum = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) sink += cudaEventQuery(ev);
        double per = (now_ns() - t0) / n;
        printf("round %d: %.2f ns/call\n", r + 1, per);
        if (per < best) best = per;
        sum += per;
    }
    printf("C cudaEventQuery: mean %.2f ns/call, min %.2f ns/call (%d rounds x %ld calls)\n", sum / rounds, best,
           rounds, n);
    return sink == 42 ? 1 : 0;
}
