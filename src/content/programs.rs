//! What the two certification programs fix and the files must match (issue 3): each program's
//! module titles, exactly as the program names them, its id prefix, and the minimum amounts of
//! items per module. A track with another id is an organization's own: it is checked against
//! its own manifest and the generic minimums only.

pub struct Program {
    pub track: &'static str,
    /// The first part of every item id (`acc-m4-p01`).
    pub id_prefix: &'static str,
    /// Module titles, module 1 first.
    pub titles: &'static [&'static str],
}

pub const PROGRAMS: &[Program] = &[
    Program {
        track: "accomplice",
        id_prefix: "acc",
        titles: &[
            "General Dimensions of Allyship",
            "Specific Dimensions of Allyship I",
            "Specific Dimensions of Allyship II",
            "Allyship in Everyday Interactions",
            "Individual Allyship and Organizational Success",
            "Best Practices for Impactful Allyship",
            "Collaborative Project—Allyship Moving Forward",
        ],
    },
    Program {
        track: "organization",
        id_prefix: "org",
        titles: &[
            "Dimensions of Allyship",
            "Allyship as Individual/Interpersonal Practice",
            "Allyship as Organizational Value and Practice",
            "Enacting Meaningful Allyship Initiatives",
            "Committing to Ongoing Allyship",
            "Best Practices for Allyship Organizations",
            "Collaborative Project—Creating an Allyship Action Plan",
        ],
    },
];

pub fn program(track: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.track == track)
}

/// The least a module must hold (quality first: these are floors, not targets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minimums {
    pub prompts: usize,
    pub quiz: usize,
    pub reflections: usize,
    pub commitments: usize,
}

/// Every module of every track, unless the table below says more.
pub const GENERIC: Minimums = Minimums {
    prompts: 8,
    quiz: 10,
    reflections: 3,
    commitments: 2,
};

pub fn minimums(track: &str, module: u8) -> Minimums {
    match (track, module) {
        // The core of daily practice gets the most material.
        ("accomplice", 4) => Minimums {
            prompts: 40,
            quiz: 20,
            ..GENERIC
        },
        ("organization", 2) => Minimums {
            prompts: 20,
            quiz: 12,
            ..GENERIC
        },
        _ => GENERIC,
    }
}
