//! BCE's `UriEncode` and its inverse for incoming requests.
//!
//! BCE keeps only the RFC 3986 unreserved bytes (`A-Z a-z 0-9 - _ . ~`) and writes
//! every other UTF-8 byte as `%XX` with uppercase hex (space is `%20`, never `+`).
//! The same encoding is used on the wire by this client, so what is signed is
//! exactly what is sent.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything except the unreserved set is encoded (query keys/values, header lines).
const ENCODE_ALL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// As [`ENCODE_ALL`] but `/` is kept (paths).
const ENCODE_PATH: &AsciiSet = &ENCODE_ALL.remove(b'/');

/// `UriEncode(s, encodeSlash = true)`.
pub fn uri_encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_ALL).to_string()
}

/// `UriEncode(s, encodeSlash = false)`: for paths, `/` stays literal.
pub fn uri_encode_path(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_PATH).to_string()
}

/// Percent-decodes a path as received on the wire (`+` is literal, as in RFC 3986).
/// Invalid UTF-8 after decoding is replaced lossily, so such a path cannot verify.
pub fn decode_path(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// Splits and percent-decodes a raw query string (without `?`) into `(key, value)` pairs,
/// keeping order and duplicates. A bare flag (`accept`) and `accept=` both give
/// `("accept", "")`; empty segments (`a&&b`) are skipped.
pub fn decode_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (k, v) = segment.split_once('=').unwrap_or((segment, ""));
            (
                percent_decode_str(k).decode_utf8_lossy().into_owned(),
                percent_decode_str(v).decode_utf8_lossy().into_owned(),
            )
        })
        .collect()
}

/// Builds a wire query string from pairs: `k=v` URI-encoded, and a bare `k` for an
/// empty value (the GO-SDK form of flag parameters such as `?accept`).
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                uri_encode(k)
            } else {
                format!("{}={}", uri_encode(k), uri_encode(v))
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_bce() {
        assert_eq!(
            uri_encode("!'()*this is an example for 测试"),
            "%21%27%28%29%2Athis%20is%20an%20example%20for%20%E6%B5%8B%E8%AF%95"
        );
        assert_eq!(uri_encode("a/b:c"), "a%2Fb%3Ac");
        assert_eq!(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(uri_encode("+= ;"), "%2B%3D%20%3B");
        assert_eq!(
            uri_encode_path("/example/测试"),
            "/example/%E6%B5%8B%E8%AF%95"
        );
        assert_eq!(uri_encode_path("/a b/c"), "/a%20b/c");
    }

    #[test]
    fn decodes_queries_with_flags() {
        assert_eq!(
            decode_query("accept&clientToken=abc&role=&x=%2B+y"),
            vec![
                ("accept".to_owned(), String::new()),
                ("clientToken".to_owned(), "abc".to_owned()),
                ("role".to_owned(), String::new()),
                ("x".to_owned(), "++y".to_owned()),
            ]
        );
        assert!(decode_query("").is_empty());
        assert_eq!(decode_path("/v1/%E6%B5%8B"), "/v1/测");
    }

    #[test]
    fn encode_query_roundtrips() {
        let pairs = vec![
            ("resize".to_owned(), String::new()),
            ("clientToken".to_owned(), "a b/c".to_owned()),
        ];
        let wire = encode_query(&pairs);
        assert_eq!(wire, "resize&clientToken=a%20b%2Fc");
        assert_eq!(decode_query(&wire), pairs);
    }
}
