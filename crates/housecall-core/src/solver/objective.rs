//! What the solver minimises: the [`Objective`] a caller chooses and the [`Score`] every plan
//! is compared by.

use super::instance::Rank;

/// What the search minimises once it serves as much as it can.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Objective {
    /// Total travel: drive seconds for therapists, distance for the benchmarks.
    #[default]
    Travel,
    /// Fewest routes (therapist-days used), then total travel: the classic hierarchical
    /// convention of the VRPTW literature.
    RoutesThenTravel,
}

/// The objective, compared lexicographically; smaller is better: most confirmed visits kept,
/// then most required bookings served (both counted in `required_missed`, a confirmed visit
/// as 2^32 required ones), then most optional priority weight, then fewest routes (counted only under
/// [`Objective::RoutesThenTravel`]), then least driving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Score {
    pub(crate) required_missed: i64,
    pub(crate) weight_missed: i64,
    pub(crate) routes: i64,
    pub(crate) drive: i64,
}

impl Score {
    /// A score from what is served (counted negatively: a baseline-free ordering).
    pub(crate) fn new(required_served: i64, weight_served: i64, drive: i64) -> Self {
        Score {
            required_missed: -required_served,
            weight_missed: -weight_served,
            routes: 0,
            drive,
        }
    }

    /// What serving a booking of this rank adds: `(required, weight)`.
    pub(crate) fn served_value(p: Rank) -> (i64, i64) {
        match p {
            Rank::Confirmed => (1 << 32, 0),
            Rank::Required => (1, 0),
            Rank::Optional(w) => (0, w as i64),
        }
    }
}
