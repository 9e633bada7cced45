/**
 * Device events in caffe2's model: an {@link dev.weft.event.Event} marks the completion of work on some device (CPU,
 * CUDA, or any device with a registered {@link dev.weft.event.EventBackend}); any thread can query it, block on it,
 * or register callbacks. {@link dev.weft.event.EventRegistry} holds the per-device backends and the wait matrix;
 * {@link dev.weft.event.Events} combines events; {@link dev.weft.event.EventSource} makes read-only events.
 */
package dev.weft.event;
