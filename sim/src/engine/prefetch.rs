//! A cache hint: ask the CPU to start loading a value some events before the engine reads it.
//!
//! The engine is bound by memory latency (docs/performance.md): the events of one simulated
//! hour concern enrollments made hours or days apart, so each event's first read of
//! its enrollment and of its contact's slot misses the cache. The hour's events are sorted
//! before they are handled, so the engine knows which enrollments come next and can have their
//! lines on the way while it handles the current one. A hint only: it reads nothing and writes
//! nothing, so it cannot change a result.

/// Hints that `value`'s cache line will be read soon. A no-op where no hint is available.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` only hints the cache: it never dereferences its pointer (which
    // comes from a live reference anyway) and cannot fault; SSE, which it needs, is part of
    // the x86_64 baseline every Rust target for the architecture enables. The standard library
    // offers no safe prefetch, and no maintained crate wraps this one instruction.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
