//! The embedded families file (data/families.fp) against the embedded database: every
//! TLS label has a family, every family's TLS names are labels, and the User-Agents the
//! labelled local captures' programs send by default name their family.

use p0fmod_db::{Database, Families};

fn tls_names(db: &Database, sigs: &[p0fmod_db::TlsSignature]) -> Vec<String> {
    let mut names: Vec<String> = sigs
        .iter()
        .map(|s| db.name(db.label(s.label).name).to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_tls_client_label_has_a_client_family() {
    let db = Database::embedded();
    let f = Families::embedded();
    for name in tls_names(&db, &db.tls_request) {
        assert!(
            f.clients().iter().any(|c| c.fits_tls(&name)),
            "[tls:request] label {name} is in no [client] family's tls line"
        );
    }
}

#[test]
fn every_family_tls_name_is_a_database_label() {
    let db = Database::embedded();
    let f = Families::embedded();
    let clients = tls_names(&db, &db.tls_request);
    let servers = tls_names(&db, &db.tls_response);
    for (families, names, section) in [
        (f.clients(), &clients, "[tls:request]"),
        (f.servers(), &servers, "[tls:response]"),
    ] {
        for family in families {
            for t in &family.tls {
                assert!(
                    names.iter().any(|n| n.eq_ignore_ascii_case(t)),
                    "family {} (line {}) names {t}, which is no {section} label",
                    family.name,
                    family.line
                );
            }
        }
    }
}

#[test]
fn os_names_of_same_groups_are_database_names() {
    let db = Database::embedded();
    for group in Families::embedded().os_groups() {
        for name in group {
            assert!(
                db.name_id(name).is_some(),
                "[os] names {name}, unknown to the database"
            );
        }
    }
}

/// Default User-Agents of the programs in tests/data/tls/local/LABELS.tsv (each as the
/// program's source writes it) and of common browsers, with the family they must name.
#[test]
fn default_user_agents_name_their_family() {
    let f = Families::embedded();
    for (ua, want) in [
        ("curl/7.88.1", "curl"),
        ("Wget/1.21.3", "Wget"),
        ("git/2.39.5", "git"),
        ("python-requests/2.34.2", "Python"),
        ("Python-urllib/3.11", "Python"),
        ("python-httpx/0.29.0", "Python"),
        ("Python/3.11 aiohttp/3.14.5", "Python"),
        ("Go-http-client/1.1", "Go"),
        ("Go-http-client/2.0", "Go"),
        ("Java-http-client/17.0.15", "Java"),
        ("Java/17.0.15", "Java"),
        ("node", "Node.js"),
        ("undici", "Node.js"),
        ("axios/1.21.1", "Node.js"),
        ("Bun/1.4.5", "Bun"),
        ("Deno/2.9.8", "Deno"),
        ("aioquic/1.7.2", "aioquic"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
            "Chrome",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Chrome",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0",
            "Firefox",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari",
        ),
    ] {
        let got = f
            .client_family(ua.as_bytes())
            .map(|id| f.client(id).name.as_str());
        assert_eq!(got, Some(want), "{ua}");
    }
    for (server, want) in [
        ("nginx/1.22.1", "nginx"),
        ("Apache/2.4.62 (Debian)", "Apache"),
        ("Caddy", "Caddy"),
        ("SimpleHTTP/0.6 Python/3.11.7", "Python"),
    ] {
        let got = f
            .server_family(server.as_bytes())
            .map(|id| f.server(id).name.as_str());
        assert_eq!(got, Some(want), "{server}");
    }
}
