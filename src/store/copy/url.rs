//! How a URL is shown: never with its password.

/// `url` with any password replaced by `***`, for output and error messages: the one in the
/// user-info part (`user:password@host`) and a `password=` query parameter (sqlx accepts
/// both). A URL without a scheme (a typing mistake) is treated the same way.
pub fn redacted(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let head = without_userinfo_password(head);
    let Some(query) = query else {
        return head;
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{head}?{}", pairs.join("&"))
}

fn without_userinfo_password(head: &str) -> String {
    let (scheme, rest) = match head.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, head),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return head.to_owned();
    };
    let Some((user, _password)) = userinfo.split_once(':') else {
        return head.to_owned();
    };
    let scheme = scheme.map(|s| format!("{s}://")).unwrap_or_default();
    format!("{scheme}{user}:***@{host}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redacted("postgres://bot:s3cr:et@db.example:5432/allybot?options=-csearch_path%3Dx"),
            "postgres://bot:***@db.example:5432/allybot?options=-csearch_path%3Dx"
        );
        assert_eq!(redacted("postgres://bot@h/db"), "postgres://bot@h/db");
        assert_eq!(redacted("sqlite://data/a.db"), "sqlite://data/a.db");
        assert_eq!(
            redacted("postgres://h/db?user=bot&password=s3cret&sslmode=require"),
            "postgres://h/db?user=bot&password=***&sslmode=require"
        );
        assert_eq!(
            redacted("postgress://bot:s3cret@h/db"),
            "postgress://bot:***@h/db",
            "a mistyped scheme"
        );
        assert_eq!(redacted("bot:s3cret@h/db"), "bot:***@h/db", "no scheme");
    }
}
