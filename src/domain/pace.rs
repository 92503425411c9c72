//! How many practice days each module of a certification track lasts.
//!
//! A new cohort takes each module's default from the track's `track.toml`; a cohort created
//! before per-module pacing existed keeps the one number it had for every module. A change
//! (`/cohort pace`) only ever moves days still ahead: a module that has ended keeps its days,
//! and the module under way keeps at least the days it has already had. So a change never
//! renumbers a day that was delivered, and never re-sends a prompt under another module.

/// The fewest and most practice days a module can last.
pub const MIN_DAYS: u32 = 1;
pub const MAX_DAYS: u32 = 30;

/// Practice days per module, module 1 first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pace {
    days: Vec<u32>,
}

/// What a pace change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceChange {
    pub pace: Pace,
    /// The module under way when it had already had more days than asked for: it keeps those
    /// (module, days it keeps).
    pub kept: Option<(u8, u32)>,
}

/// Why a pace change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceRefused {
    /// The track has no such module.
    NoSuchModule { modules: u8 },
    /// The module ended before the next practice day: changing it would renumber the past.
    Ended { module: u8, last_day: u32 },
    /// Every module has ended (the cohort is in review): there is nothing left to pace.
    AllEnded { last_day: u32 },
}

impl Pace {
    /// Each module's days, clamped to 1–30.
    pub fn new(days: impl IntoIterator<Item = u32>) -> Pace {
        Pace {
            days: days
                .into_iter()
                .map(|d| d.clamp(MIN_DAYS, MAX_DAYS))
                .collect(),
        }
    }

    /// The same number of days for each of `modules` modules.
    pub fn uniform(days: u32, modules: usize) -> Pace {
        Pace::new(std::iter::repeat_n(days, modules))
    }

    /// Days per module, module 1 first.
    pub fn days(&self) -> &[u32] {
        &self.days
    }

    pub fn module_count(&self) -> u8 {
        u8::try_from(self.days.len()).unwrap_or(u8::MAX)
    }

    /// The number of days of `module`, if the track has it.
    pub fn days_of(&self, module: u8) -> Option<u32> {
        self.days.get(usize::from(module).checked_sub(1)?).copied()
    }

    /// The practice days of every module together.
    pub fn total(&self) -> u32 {
        self.days.iter().sum()
    }

    /// The module practice day `day` (1-based) belongs to; `None` after the last module.
    pub fn module_of_day(&self, day: u32) -> Option<u8> {
        let mut last = 0u32;
        for (index, days) in self.days.iter().enumerate() {
            last += days;
            if day.max(1) <= last {
                return u8::try_from(index + 1).ok();
            }
        }
        None
    }

    /// The first and last practice day of `module`.
    pub fn span(&self, module: u8) -> Option<(u32, u32)> {
        let index = usize::from(module).checked_sub(1)?;
        let days = *self.days.get(index)?;
        let before: u32 = self.days[..index].iter().sum();
        Some((before + 1, before + days))
    }

    /// Sets `module`'s days, or every module's with `None`, from practice day `next` on (the
    /// first day not yet delivered). A module that ended before `next` keeps its days (asking
    /// for that one module is refused); the module under way keeps at least the days it has
    /// had, so it may end at once but never before a day that was already delivered.
    pub fn change(
        &self,
        module: Option<u8>,
        days: u32,
        next: u32,
    ) -> Result<PaceChange, PaceRefused> {
        let days = days.clamp(MIN_DAYS, MAX_DAYS);
        let next = next.max(1);
        if module.is_none() && self.total() < next {
            return Err(PaceRefused::AllEnded {
                last_day: self.total(),
            });
        }
        if let Some(number) = module {
            let (_, last_day) = self.span(number).ok_or(PaceRefused::NoSuchModule {
                modules: self.module_count(),
            })?;
            if last_day < next {
                return Err(PaceRefused::Ended {
                    module: number,
                    last_day,
                });
            }
        }
        let mut changed = self.days.clone();
        let mut kept = None;
        for (index, slot) in changed.iter_mut().enumerate() {
            let number = u8::try_from(index + 1).unwrap_or(u8::MAX);
            if module.is_some_and(|m| m != number) {
                continue;
            }
            let Some((first, last)) = self.span(number) else {
                continue;
            };
            if last < next {
                continue; // ended: its days are history
            }
            let had = next.saturating_sub(first); // days of it already delivered
            *slot = days.max(had);
            if had > days {
                kept = Some((number, had));
            }
        }
        Ok(PaceChange {
            pace: Pace { days: changed },
            kept,
        })
    }

    /// As stored: "5,5,5,15,5,5,5".
    pub fn to_db(&self) -> String {
        let parts: Vec<String> = self.days.iter().map(u32::to_string).collect();
        parts.join(",")
    }

    /// Reads [`Pace::to_db`]; `None` if any part is not a number of days from 1 to 30.
    pub fn parse(text: &str) -> Option<Pace> {
        if text.trim().is_empty() {
            return Some(Pace { days: Vec::new() });
        }
        let days = text
            .split(',')
            .map(|part| part.trim().parse::<u32>().ok())
            .collect::<Option<Vec<u32>>>()?;
        days.iter()
            .all(|d| (MIN_DAYS..=MAX_DAYS).contains(d))
            .then_some(Pace { days })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accomplice() -> Pace {
        Pace::new([5, 5, 5, 15, 5, 5, 5])
    }

    #[test]
    fn each_module_takes_its_own_days() {
        let pace = accomplice();
        assert_eq!(pace.module_of_day(15), Some(3));
        assert_eq!(pace.module_of_day(16), Some(4));
        assert_eq!(pace.module_of_day(30), Some(4));
        assert_eq!(pace.module_of_day(31), Some(5));
        assert_eq!(pace.module_of_day(45), Some(7));
        assert_eq!(pace.module_of_day(46), None, "review after the last");
        assert_eq!(pace.span(4), Some((16, 30)));
        assert_eq!(pace.total(), 45);
    }

    #[test]
    fn changing_one_module_ahead_changes_only_that_module() {
        let change = accomplice().change(Some(4), 10, 20).unwrap();
        assert_eq!(change.pace.days(), &[5, 5, 5, 10, 5, 5, 5]);
        assert_eq!(change.kept, None);
        assert_eq!(change.pace.module_of_day(26), Some(5));
    }

    #[test]
    fn the_module_under_way_keeps_the_days_it_has_had() {
        // Day 29 is next: module 4 (from day 16) has had 13 days.
        let change = accomplice().change(Some(4), 10, 29).unwrap();
        assert_eq!(change.pace.days_of(4), Some(13));
        assert_eq!(change.kept, Some((4, 13)));
        assert_eq!(change.pace.module_of_day(28), Some(4), "the past stays");
        assert_eq!(change.pace.module_of_day(29), Some(5));
    }

    #[test]
    fn an_ended_module_cannot_change_and_every_module_skips_ended_ones() {
        assert_eq!(
            accomplice().change(Some(2), 9, 16),
            Err(PaceRefused::Ended {
                module: 2,
                last_day: 10
            })
        );
        assert_eq!(
            accomplice().change(Some(8), 9, 1),
            Err(PaceRefused::NoSuchModule { modules: 7 })
        );
        assert_eq!(
            accomplice().change(None, 2, 46),
            Err(PaceRefused::AllEnded { last_day: 45 })
        );
        let all = accomplice().change(None, 2, 18).unwrap();
        assert_eq!(all.pace.days(), &[5, 5, 5, 2, 2, 2, 2]);
        let before = accomplice();
        for day in 1..18 {
            assert_eq!(all.pace.module_of_day(day), before.module_of_day(day));
        }
    }

    #[test]
    fn the_stored_form_round_trips_and_rejects_nonsense() {
        let pace = accomplice();
        assert_eq!(Pace::parse(&pace.to_db()), Some(pace));
        assert_eq!(Pace::parse("5,x"), None);
        assert_eq!(Pace::parse("5,31"), None);
        assert_eq!(Pace::parse(""), Some(Pace::new([])));
    }
}
