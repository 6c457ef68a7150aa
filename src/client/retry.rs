//! The pause between attempts: exponential backoff with jitter.

use std::hash::BuildHasher;
use std::time::{Duration, Instant};

/// The first pause; each next one doubles, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The pause after failed attempt `attempt` (1-based): half of the attempt's ceiling, plus a
/// random part of the other half, so that many clients failing together do not retry together.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let ceiling = FIRST_BACKOFF.saturating_mul(1 << attempt.clamp(1, 16).saturating_sub(1)).min(MAX_BACKOFF);
    ceiling / 2 + ceiling.mul_f64(random_fraction() / 2.0)
}

/// A number in `[0, 1)`, from the standard library's randomly keyed hasher.
fn random_fraction() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_and_stay_within_their_ceiling() {
        for (attempt, ceiling) in [(1, 100), (2, 200), (3, 400), (7, 5000), (40, 5000)] {
            let ceiling = Duration::from_millis(ceiling);
            let pauses: Vec<Duration> = (0..50).map(|_| backoff(attempt)).collect();
            assert!(pauses.iter().all(|p| *p >= ceiling / 2 && *p <= ceiling), "{attempt}: {pauses:?}");
            // Jitter: fifty pauses are not all alike.
            assert!(pauses.iter().any(|p| *p != pauses[0]), "{attempt}: {pauses:?}");
        }
    }
}
