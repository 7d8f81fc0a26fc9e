//! Property tests for the bce-auth-v1 canonicalization, beyond the round trips
//! in `tests/baidu_signer.rs`: what a server may do to a request without
//! breaking its signature (reorder query pairs and headers, change header
//! name case, pad values) and what must break it; and the encoding's own
//! algebra (only unreserved bytes and uppercase `%XX`, decoding inverts it,
//! encoding twice only re-encodes `%`).

use baidu_vpc::{Credentials, SecretString};
use bce_auth::signer::{
    authorization, canonical_headers, canonical_query_string, canonical_request, canonical_uri,
    parse_authorization, HeaderSelection, RequestToSign, SigningParams,
};
use bce_auth::uri::{decode_path, decode_query, encode_query, uri_encode, uri_encode_path};
use proptest::prelude::*;
use time::OffsetDateTime;

/// Any text, including the bytes BCE must encode and non-ASCII.
const TEXT: &str = "[a-zA-Z0-9 _.~!'()*+=;:@&$,%/?#\\-测试é\u{1F600}]{0,10}";

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[a-zA-Z0-9_+=&/ 测%]{1,6}", TEXT), 0..6)
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                "x-bce-[a-z]{1,6}",
                Just("host".to_owned()),
                Just("content-type".to_owned()),
                Just("content-md5".to_owned()),
                Just("content-length".to_owned()),
                "x-other-[a-z]{1,4}",
            ],
            "[!-~]([ -~]{0,12}[!-~])?",
        ),
        0..6,
    )
    .prop_map(|mut h| {
        // Header names are unique in a request (HTTP folds duplicates).
        let mut seen = std::collections::BTreeSet::new();
        h.retain(|(k, _)| seen.insert(k.clone()));
        h
    })
}

fn is_canonical_encoding(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => i += 1,
            b'%' if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
                && b.get(i + 2)
                    .is_some_and(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)) =>
            {
                i += 3
            }
            _ => return false,
        }
    }
    true
}

/// A permutation of `v` chosen by `seed`.
fn shuffled<T: Clone>(v: &[T], seed: u64) -> Vec<T> {
    let mut out = v.to_vec();
    let mut s = seed | 1;
    for i in (1..out.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let j = usize::try_from(s % (i as u64 + 1)).unwrap_or(0);
        out.swap(i, j);
    }
    out
}

fn flip_case(s: &str, seed: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if (seed >> (i % 64)) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn uri_encoding_is_canonical_and_inverted_by_decoding(s in TEXT) {
        let enc = uri_encode(&s);
        prop_assert!(is_canonical_encoding(&enc), "{enc}");
        prop_assert_eq!(decode_path(&enc), s.clone());
        // Encoding is a function of the text only: encoding again changes only
        // the '%' signs (so double encoding is detectable, never ambiguous).
        prop_assert_eq!(uri_encode(&enc), enc.replace('%', "%25"));
        // Already-canonical text is a fixed point.
        let plain: String = s.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.~".contains(*c)).collect();
        prop_assert_eq!(uri_encode(&plain), plain);
        // Paths keep '/' and nothing else differs.
        prop_assert_eq!(uri_encode_path(&s).replace('/', "%2F"), enc);
    }

    #[test]
    fn canonical_query_ignores_pair_order_and_authorization(q in pairs(), seed in any::<u64>(), auth in TEXT) {
        let canon = canonical_query_string(&q);
        prop_assert_eq!(canonical_query_string(&shuffled(&q, seed)), canon.clone());
        let mut with_auth = q.clone();
        with_auth.insert(0, (flip_case("authorization", seed), auth));
        prop_assert_eq!(canonical_query_string(&with_auth), canon.clone());
        // Sorted, every part `enc(k)=enc(v)` in canonical encoding.
        let parts: Vec<&str> = if canon.is_empty() { vec![] } else { canon.split('&').collect() };
        prop_assert_eq!(parts.len(), q.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")).count());
        let mut sorted = parts.clone();
        sorted.sort_unstable();
        prop_assert_eq!(&sorted, &parts);
        for p in parts {
            let (k, v) = p.split_once('=').expect("every part has '='");
            prop_assert!(is_canonical_encoding(k) && is_canonical_encoding(v), "{p}");
        }
        // What a server decodes from the wire canonicalizes the same.
        prop_assert_eq!(canonical_query_string(&decode_query(&encode_query(&q))), canon);
    }

    #[test]
    fn canonical_headers_ignore_order_name_case_and_padding(h in headers(), seed in any::<u64>()) {
        for selection in [HeaderSelection::Default, HeaderSelection::Listed] {
            let (canon, names) = canonical_headers(&h, &selection);
            let varied: Vec<(String, String)> = shuffled(&h, seed)
                .into_iter()
                .map(|(k, v)| (flip_case(&k, seed), format!("  {v}\t")))
                .collect();
            let (canon2, names2) = canonical_headers(&varied, &selection);
            prop_assert_eq!(&canon2, &canon);
            prop_assert_eq!(&names2, &names);
            let lines: Vec<&str> = if canon.is_empty() { vec![] } else { canon.split('\n').collect() };
            let mut sorted = lines.clone();
            sorted.sort_unstable();
            prop_assert_eq!(&sorted, &lines);
            for l in &lines {
                let (k, v) = l.split_once(':').expect("name:value");
                prop_assert!(is_canonical_encoding(k) && is_canonical_encoding(v), "{l}");
                prop_assert!(k.starts_with("x-bce-") || ["host", "content-type", "content-md5", "content-length"].contains(&k), "{k} is not signed by default");
            }
        }
    }

    #[test]
    fn canonical_uri_is_rooted_once(p in TEXT) {
        let rooted = format!("/{}", p.trim_start_matches('/'));
        prop_assert_eq!(canonical_uri(p.trim_start_matches('/')), canonical_uri(&rooted));
        prop_assert!(canonical_uri(&p).starts_with('/'));
    }

    #[test]
    fn signatures_survive_reordering_and_break_on_any_change(
        q in pairs(), h in headers(), seed in any::<u64>(), secs in 0i64..4_000_000_000,
        default_selection in any::<bool>(),
    ) {
        let creds = Credentials::new("AK-props", "SK-props");
        let path = "/v1/peerconn/peerconn-abc";
        let req = RequestToSign { method: "PUT", path, query: &q, headers: &h };
        let params = SigningParams {
            timestamp: OffsetDateTime::from_unix_timestamp(secs).expect("in range"),
            expiration_secs: 1800,
            selection: if default_selection { HeaderSelection::Default } else { HeaderSelection::Listed },
        };
        let auth = authorization(&creds, &req, &params);
        let parsed = parse_authorization(&auth).expect("own header parses");
        prop_assert!(parsed.verify(&creds.secret_key, &req).is_ok());

        // A proxy reordering query pairs and headers, or changing header name case.
        let q2 = shuffled(&q, seed);
        let h2: Vec<(String, String)> = shuffled(&h, seed).into_iter().map(|(k, v)| (flip_case(&k, seed), v)).collect();
        let reordered = RequestToSign { query: &q2, headers: &h2, ..req };
        prop_assert!(parsed.verify(&creds.secret_key, &reordered).is_ok());
        prop_assert_eq!(
            canonical_request(&reordered, &parsed.selection()).text,
            canonical_request(&req, &parsed.selection()).text
        );

        // Any change to what is signed fails: a value of a signed header, the
        // method, one query value, or the secret.
        if let Some(i) = h.iter().position(|(k, _)| k.starts_with("x-bce-")) {
            let mut h3 = h.clone();
            h3[i].1.push('x');
            let tampered = RequestToSign { headers: &h3, ..req };
            prop_assert!(parsed.verify(&creds.secret_key, &tampered).is_err());
        }
        if let Some(first) = q.iter().position(|(k, _)| !k.eq_ignore_ascii_case("authorization")) {
            let mut q3 = q.clone();
            q3[first].1.push('x');
            let tampered = RequestToSign { query: &q3, ..req };
            prop_assert!(parsed.verify(&creds.secret_key, &tampered).is_err());
        }
        let tampered = RequestToSign { method: "DELETE", ..req };
        prop_assert!(parsed.verify(&creds.secret_key, &tampered).is_err());
        prop_assert!(parsed.verify(&SecretString::new("SK-other"), &req).is_err());
    }
}
