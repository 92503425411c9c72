//! Pure types and rules, no I/O: the 4 As, work weeks, local times and their DST rules,
//! practice-day arithmetic, prompt progression, module pacing and the open-ended rotation.
//! Nothing here reads a clock.

pub mod calendar;
pub mod cert_code;
pub mod certification;
pub mod cohort_plan;
pub mod four_a;
pub mod kanon;
pub mod local_time;
pub mod open_plan;
pub mod pace;
pub mod plural;
pub mod progression;
pub mod quiet_hours;
pub mod quiz;
pub mod reminders;
pub mod spacing;
pub mod streak;
pub mod summary_week;
pub mod weekdays;

pub use calendar::{Pause, PracticeCalendar};
pub use cohort_plan::CohortPlan;
pub use four_a::FourA;
pub use local_time::{resolve, SendTime};
pub use open_plan::OpenPlan;
pub use pace::Pace;
pub use progression::{DayPlan, Plan, Stage};
pub use quiet_hours::QuietHours;
pub use weekdays::WorkWeek;
