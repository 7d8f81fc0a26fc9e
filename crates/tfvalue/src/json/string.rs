//! JSON string literals written byte-for-byte as Go's `encoding/json` writes
//! them (go-cty marshals strings and type names with it), so our JSON matches
//! cty's output exactly, HTML escaping included.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a quoted JSON string literal.
pub(crate) fn write_json_string(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if is_html_safe(b) {
                i += 1;
                continue;
            }
            out.extend_from_slice(&bytes[start..i]);
            match b {
                b'\\' | b'"' => out.extend_from_slice(&[b'\\', b]),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0c => out.extend_from_slice(b"\\f"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                _ => out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ]),
            }
            i += 1;
            start = i;
            continue;
        }
        // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript string
        // literals, so Go escapes them; every other non-ASCII char is copied.
        if b == 0xe2 && bytes.get(i + 1) == Some(&0x80) {
            if let Some(&last @ (0xa8 | 0xa9)) = bytes.get(i + 2) {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\\u202");
                out.push(HEX[usize::from(last & 0x0f)]);
                i += 3;
                start = i;
                continue;
            }
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn is_html_safe(b: u8) -> bool {
    b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        let mut out = Vec::new();
        write_json_string(&mut out, s);
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn matches_go_encoding_json() {
        assert_eq!(enc("plain"), r#""plain""#);
        assert_eq!(enc("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(enc("<a&b>"), r#""\u003ca\u0026b\u003e""#);
        assert_eq!(
            enc("\n\r\t\u{8}\u{c}\u{1}\u{1f}"),
            r#""\n\r\t\b\f\u0001\u001f""#
        );
        assert_eq!(enc("x\u{2028}y\u{2029}"), r#""x\u2028y\u2029""#);
        assert_eq!(enc("héllo 世界 \u{7f}"), "\"héllo 世界 \u{7f}\"");
        assert_eq!(enc("\u{2027}"), "\"\u{2027}\"");
    }
}
