//! `allybot content stats`: how much material each module holds, per kind and per 4A tag.
//! The JSON shape is a contract (design/INTERFACE.md); the table is for people. An open-ended
//! program is listed like a track; its modules are those it draws from, each with `from`
//! naming the track it belongs to (so a sum over tracks can leave them out).

use std::fmt::Write;

use serde::Serialize;

use super::model::{Curriculum, Module};
use crate::domain::FourA;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub tracks: Vec<TrackStats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackStats {
    pub id: String,
    pub version: String,
    pub modules: Vec<ModuleStats>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleStats {
    pub number: u8,
    pub title: String,
    /// For an open-ended program's module: the track it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub prompts: usize,
    pub quiz: usize,
    pub reflections: usize,
    pub commitments: usize,
    /// Prompts by tag.
    pub four_a: FourACounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FourACounts {
    pub awareness: usize,
    pub action: usize,
    pub advocacy: usize,
    pub accountability: usize,
}

impl FourACounts {
    fn of(module: &Module) -> Self {
        let count = |tag: FourA| module.prompts.iter().filter(|p| p.four_a == tag).count();
        FourACounts {
            awareness: count(FourA::Awareness),
            action: count(FourA::Action),
            advocacy: count(FourA::Advocacy),
            accountability: count(FourA::Accountability),
        }
    }
}

pub fn stats(curriculum: &Curriculum) -> Stats {
    let tracks = curriculum
        .tracks
        .iter()
        .map(|track| TrackStats {
            id: track.id.clone(),
            version: track.version.clone(),
            modules: track
                .modules
                .iter()
                .map(|m| ModuleStats {
                    number: m.number,
                    title: m.title.clone(),
                    from: m.source.as_ref().map(|s| s.track.clone()),
                    prompts: m.prompts.len(),
                    quiz: m.quiz.len(),
                    reflections: m.reflections.len(),
                    commitments: m.commitments.len(),
                    four_a: FourACounts::of(m),
                })
                .collect(),
        })
        .collect();
    Stats { tracks }
}

const HEADER: [&str; 9] = [
    "module",
    "prompts",
    "quiz",
    "reflections",
    "commitments",
    "awareness",
    "action",
    "advocacy",
    "accountability",
];

fn row(out: &mut String, first: &str, numbers: [usize; 8], title: &str) {
    let _ = write!(out, "  {first:<6}");
    for (value, heading) in numbers.iter().zip(&HEADER[1..]) {
        let _ = write!(out, "  {value:>width$}", width = heading.len());
    }
    if title.is_empty() {
        out.push('\n');
    } else {
        let _ = writeln!(out, "  {title}");
    }
}

fn numbers(m: &ModuleStats) -> [usize; 8] {
    let a = &m.four_a;
    [
        m.prompts,
        m.quiz,
        m.reflections,
        m.commitments,
        a.awareness,
        a.action,
        a.advocacy,
        a.accountability,
    ]
}

/// The readable form: one block per track, one row per module, and a total row.
pub fn table(stats: &Stats) -> String {
    let mut out = String::new();
    for (index, track) in stats.tracks.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{} (version {})", track.id, track.version);
        if track.modules.iter().any(|m| m.from.is_some()) {
            out.push_str(": open-ended, drawn from the modules below");
        }
        out.push('\n');
        let _ = writeln!(out, "  {}  title", HEADER.join("  "));
        let mut total = [0usize; 8];
        for module in &track.modules {
            let counts = numbers(module);
            for (sum, value) in total.iter_mut().zip(counts) {
                *sum += value;
            }
            let title = match &module.from {
                Some(track) => format!("{} (from {track})", module.title),
                None => module.title.clone(),
            };
            row(&mut out, &module.number.to_string(), counts, &title);
        }
        row(&mut out, "total", total, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Stats {
        let module = ModuleStats {
            number: 1,
            title: "Dimensions".into(),
            from: None,
            prompts: 8,
            quiz: 10,
            reflections: 3,
            commitments: 2,
            four_a: FourACounts {
                awareness: 2,
                action: 2,
                advocacy: 2,
                accountability: 2,
            },
        };
        Stats {
            tracks: vec![TrackStats {
                id: "t".into(),
                version: "1.0.0".into(),
                modules: vec![module],
            }],
        }
    }

    #[test]
    fn the_json_has_the_documented_shape() {
        let json = serde_json::to_value(sample()).expect("serializes");
        let module = &json["tracks"][0]["modules"][0];
        assert_eq!(json["tracks"][0]["id"], "t");
        assert_eq!(json["tracks"][0]["version"], "1.0.0");
        assert_eq!(module["number"], 1);
        assert_eq!(module["quiz"], 10);
        assert_eq!(module["four_a"]["accountability"], 2);
        assert!(module.get("from").is_none(), "only for drawn modules");
    }

    #[test]
    fn the_table_has_a_row_per_module_and_a_total() {
        let table = table(&sample());
        assert!(table.contains("t (version 1.0.0)"), "{table}");
        assert!(
            table
                .lines()
                .any(|l| l.trim_start().starts_with("1 ") && l.ends_with("Dimensions")),
            "{table}"
        );
        assert!(
            table.lines().any(|l| l.trim_start().starts_with("total")),
            "{table}"
        );
    }
}
