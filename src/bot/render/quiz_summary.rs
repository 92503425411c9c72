//! The end of a quiz: a short, kind summary. It counts best answers, never misses, and says
//! when the items to practise come back.

use poise::serenity_prelude as serenity;

use super::ACCENT;

pub struct SummaryView {
    pub best: usize,
    pub total: usize,
    /// Items coming back for review, and when the first does ("in 1 practice day, on Tue 24 Nov").
    pub coming_back: usize,
    pub first_back: Option<String>,
    /// Items retired by this quiz (right, and rated 3 or 4).
    pub retired: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn quiz_summary(view: &SummaryView) -> serenity::CreateEmbed {
    let mut lines = vec![if view.best == view.total {
        "Every answer was the best one. Nice work!".to_owned()
    } else {
        "Thanks for practising. These scenarios are meant to be tricky; working through them is the point.".to_owned()
    }];
    if view.coming_back > 0 {
        let when = view
            .first_back
            .as_deref()
            .map_or(String::new(), |when| format!(", the first {when}"));
        lines.push(format!(
            "{} back for a quick review{when}. Spacing practice out like this is what makes it stick.",
            plural(view.coming_back, "item comes", "items come")
        ));
    }
    if view.retired > 0 {
        lines.push(format!(
            "{} retired: right, and you were sure.",
            plural(view.retired, "item", "items")
        ));
    }
    lines.push("Run `/quiz` any time for more.".to_owned());
    serenity::CreateEmbed::new()
        .title(format!(
            "Quiz done: {} of {} best answers",
            view.best, view.total
        ))
        .description(lines.join("\n\n"))
        .colour(ACCENT)
        .footer(serenity::CreateEmbedFooter::new(
            "Only you can see this quiz.",
        ))
}
