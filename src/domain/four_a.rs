//! The 4 As of allyship, the frame of every item in the curriculum.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FourA {
    Awareness,
    Action,
    Advocacy,
    Accountability,
}

impl FourA {
    pub const ALL: [FourA; 4] = [
        FourA::Awareness,
        FourA::Action,
        FourA::Advocacy,
        FourA::Accountability,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FourA::Awareness => "Awareness",
            FourA::Action => "Action",
            FourA::Advocacy => "Advocacy",
            FourA::Accountability => "Accountability",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            FourA::Awareness => "awareness",
            FourA::Action => "action",
            FourA::Advocacy => "advocacy",
            FourA::Accountability => "accountability",
        }
    }
}

impl fmt::Display for FourA {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
