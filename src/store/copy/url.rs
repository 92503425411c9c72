//! How a URL is shown: never with its password.

/// `url` with any password replaced by `***`, for output and error messages.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
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
    }
}
