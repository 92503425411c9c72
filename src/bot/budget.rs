//! How `outbound.max_requests_per_second` is shared when several processes serve one bot.
//! Discord's global limit is per bot, not per connection, so the processes together must stay
//! under it. The split is static (docs/ARCHITECTURE.md, "Several processes"): the leader, whose
//! scheduler makes nearly every channel post and DM, gets eight ninths (40 of the default 45);
//! the other processes share the rest, since what they send is mostly interaction responses,
//! which Discord does not count. A process that becomes or stops being the leader changes its
//! pace at once ([`super::pacer::Pacer::set_leading`]).

use crate::config::ShardRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Requests per second while this process leads.
    pub leading: u32,
    /// Requests per second while another process leads.
    pub following: u32,
}

impl Budget {
    /// All of it whichever process leads: one process serves the bot.
    pub fn whole(max: u32) -> Self {
        Self {
            leading: max,
            following: max,
        }
    }

    /// The share of one of `processes` processes.
    pub fn split(max: u32, processes: u32) -> Self {
        if processes <= 1 {
            return Self::whole(max);
        }
        let leading = (max * 8 / 9).max(1);
        let following = ((max - leading) / (processes - 1)).max(1);
        Self { leading, following }
    }

    /// The share for a process serving `shards`: as many processes are assumed as ranges of
    /// that size fit in the total (the OPERATIONS.md units give every process an equal range).
    /// Without `discord.shards` one process serves every shard.
    pub fn for_shards(max: u32, shards: Option<ShardRange>) -> Self {
        match shards {
            None => Self::whole(max),
            Some(range) => Self::split(max, range.total.div_ceil(range.count().max(1))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leader_gets_most_and_the_processes_together_stay_under_the_maximum() {
        assert_eq!(Budget::split(45, 1), Budget::whole(45));
        assert_eq!(
            Budget::split(45, 2),
            Budget {
                leading: 40,
                following: 5
            }
        );
        for processes in 2..=10 {
            let budget = Budget::split(45, processes);
            let together = budget.leading + budget.following * (processes - 1);
            assert!(
                together <= 45 || budget.following == 1,
                "{processes}: {budget:?}"
            );
            assert!(budget.following >= 1);
        }
    }

    #[test]
    fn processes_are_counted_from_the_shard_range() {
        let range = |first, last, total| Some(ShardRange { first, last, total });
        assert_eq!(Budget::for_shards(45, None), Budget::whole(45));
        assert_eq!(Budget::for_shards(45, range(0, 3, 4)), Budget::whole(45));
        assert_eq!(Budget::for_shards(45, range(1, 1, 2)), Budget::split(45, 2));
        assert_eq!(Budget::for_shards(45, range(2, 3, 8)), Budget::split(45, 4));
    }
}
