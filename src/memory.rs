//! How the process hands memory back: large blocks are mapped on their own, so that freeing or
//! shrinking one returns its pages to the system at once.
//!
//! Why: glibc's allocator maps a block on its own only above a threshold that it raises, up to
//! 32 MiB, whenever such a block is freed; below it, blocks come from its arenas, which keep
//! freed memory for reuse. A run frees large blocks as it goes (each portal's world records
//! once its slots hold them, the plan day by day as the enrollments grow), in sizes no later
//! allocation asks for, so the arenas kept them: at 10M contacts the peak was 700 MiB where
//! the live data never passed 560. A fixed threshold (`mallopt(M_MMAP_THRESHOLD)`, which also
//! stops the raising) maps every block of a MiB or more apart. The results cannot change: this
//! decides only where blocks live.
//!
//! Setting the threshold also fixes the trim threshold at glibc's default of 128 KiB: an arena
//! then hands back its free top whenever it passes that, and the next block carved from it is
//! fresh pages again, each a page fault (about 1.4 µs on the development machine). The run
//! frees and takes blocks under a MiB all the time (an hour's events, a day of the plan being
//! sorted), so the arenas keep up to 8 MiB of free top each: in the one-portal run, 35,000
//! page faults become 27,000, and the 10M run's peak does not move.

/// Blocks of at least this many bytes are mapped apart.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MAPPED_APART: libc::c_int = 1 << 20;

/// Free memory at the top of an arena that it keeps rather than hands back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const KEPT_FREE: libc::c_int = 8 << 20;

/// Sets the allocator up for a run; call before any other thread starts.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a parameter of glibc's allocator, and no other thread is
    // allocating yet.
    unsafe {
        let set = libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_APART);
        debug_assert_eq!(set, 1, "glibc accepts a threshold of a MiB");
        let set = libc::mallopt(libc::M_TRIM_THRESHOLD, KEPT_FREE);
        debug_assert_eq!(set, 1, "glibc accepts a trim threshold of 8 MiB");
    }
}
