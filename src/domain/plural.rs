//! Counts in words people read: "1 quiz", "3 quizzes", never "quiz(zes)".

/// `count` followed by the singular or the plural noun, as English wants it.
pub fn count(count: impl Into<u64>, singular: &str, plural: &str) -> String {
    let count = count.into();
    format!("{count} {}", noun(count, singular, plural))
}

/// The singular or the plural noun for `count`, without the number.
pub fn noun<'a>(count: impl Into<u64>, singular: &'a str, plural: &'a str) -> &'a str {
    if count.into() == 1 {
        singular
    } else {
        plural
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_is_plural() {
        assert_eq!(count(1u32, "quiz", "quizzes"), "1 quiz");
        assert_eq!(count(3u32, "quiz", "quizzes"), "3 quizzes");
        assert_eq!(count(0u32, "member", "members"), "0 members");
        assert_eq!(noun(2u64, "day", "days"), "days");
    }
}
