//! A global allocator that counts the heap in use and its peak, for the memory tests (each
//! test binary that includes it counts every allocation of the process).
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Counting;

pub static CURRENT: AtomicUsize = AtomicUsize::new(0);
pub static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Blocks of at least [`LARGE_AT`] bytes allocated (or reallocated to that size) so far.
pub static LARGE_BLOCKS: AtomicUsize = AtomicUsize::new(0);
/// The size from which a block counts in [`LARGE_BLOCKS`] (none until a test sets it).
pub static LARGE_AT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Allocations and reallocations made so far, of any size.
pub static BLOCKS: AtomicUsize = AtomicUsize::new(0);

fn note(size: usize) {
    BLOCKS.fetch_add(1, Ordering::Relaxed);
    if size >= LARGE_AT.load(Ordering::SeqCst) {
        LARGE_BLOCKS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        note(layout.size());
        // SAFETY: the caller's layout goes to the system allocator unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a new block beside the old one: the worst moment of a reallocation.
        let now = CURRENT.fetch_add(new_size, Ordering::SeqCst) + new_size;
        PEAK.fetch_max(now, Ordering::SeqCst);
        note(new_size);
        // SAFETY: as `GlobalAlloc::realloc`'s contract, passed on unchanged.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        new
    }
}

#[global_allocator]
pub static ALLOCATOR: Counting = Counting;
