//! How a body's buffer grows as its bytes arrive, on either side of a call: with the bytes
//! that really arrive, not with the length the other side declares.

/// The room a body's buffer starts with once its first bytes arrive.
const FIRST_PIECE: usize = 64 * 1024;

/// Once this much of a body of declared length has arrived, its buffer takes that length.
const DECLARED_AT_ONCE: usize = 4 * FIRST_PIECE;

/// The room to make for a body that holds `len` bytes and needs `needed`: twice what arrived
/// (at least a first piece), never past `most` (the body limit); for a body of `declared`
/// length, never past it, and the whole of it once a quarter of a mebibyte has arrived: one
/// reallocation of a small buffer rather than doublings that would hold an old and a new
/// buffer of nearly the body's size, and untouched pages cost no memory until bytes fill them.
/// A claim the other side does not back thus costs a quarter of a mebibyte at most.
pub(crate) fn room_for(len: usize, needed: usize, declared: Option<usize>, most: usize) -> usize {
    let doubled = needed.max(len.saturating_mul(2)).max(FIRST_PIECE);
    match declared.filter(|&declared| declared >= needed) {
        Some(declared) if needed > DECLARED_AT_ONCE => declared,
        Some(declared) => doubled.min(declared),
        None => doubled.min(most.max(needed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_with_what_arrives() {
        let most = 64 << 30;
        // A claim of 40 GiB: a first piece, doublings, then the claim once 256 KiB arrived.
        assert_eq!(room_for(0, 10, Some(40 << 30), most), FIRST_PIECE);
        assert_eq!(room_for(FIRST_PIECE, FIRST_PIECE + 1, Some(40 << 30), most), 2 * FIRST_PIECE);
        assert_eq!(room_for(DECLARED_AT_ONCE, DECLARED_AT_ONCE + 1, Some(40 << 30), most), 40 << 30);
        // A small declared body: its length.
        assert_eq!(room_for(0, 10, Some(100), most), 100);
        // Undeclared: doubling, up to the limit.
        assert_eq!(room_for(1 << 20, (1 << 20) + 1, None, most), 2 << 20);
        assert_eq!(room_for(1 << 20, (1 << 20) + 1, None, 3 << 19), 3 << 19);
        // A body longer than it declared (the transport refuses it, but never less than needed).
        assert_eq!(room_for(100, 200, Some(150), most), FIRST_PIECE);
    }
}
