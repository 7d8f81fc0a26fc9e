//! Writes msgpack elements exactly as go-cty's encoder (vmihailenco/msgpack
//! with compact ints, float64 floats) does.

use rmp::Marker;

pub(super) fn nil(out: &mut Vec<u8>) {
    out.push(Marker::Null.to_u8());
}

pub(super) fn bool(out: &mut Vec<u8>, b: bool) {
    out.push(if b { Marker::True } else { Marker::False }.to_u8());
}

/// The smallest int encoding; non-negative values use the unsigned forms.
pub(super) fn int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        uint(out, n as u64);
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= i64::from(i8::MIN) {
        out.push(Marker::I8.to_u8());
        out.push(n as i8 as u8);
    } else if n >= i64::from(i16::MIN) {
        out.push(Marker::I16.to_u8());
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= i64::from(i32::MIN) {
        out.push(Marker::I32.to_u8());
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(Marker::I64.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub(super) fn uint(out: &mut Vec<u8>, n: u64) {
    if n <= 0x7f {
        out.push(n as u8);
    } else if n <= u64::from(u8::MAX) {
        out.push(Marker::U8.to_u8());
        out.push(n as u8);
    } else if n <= u64::from(u16::MAX) {
        out.push(Marker::U16.to_u8());
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u64::from(u32::MAX) {
        out.push(Marker::U32.to_u8());
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(Marker::U64.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub(super) fn f64(out: &mut Vec<u8>, f: f64) {
    out.push(Marker::F64.to_u8());
    out.extend_from_slice(&f.to_bits().to_be_bytes());
}

/// Callers check `s.len()` fits in u32 first.
pub(super) fn str(out: &mut Vec<u8>, s: &str) {
    let len = s.len();
    if len < 32 {
        out.push(Marker::FixStr(len as u8).to_u8());
    } else if len <= usize::from(u8::MAX) {
        out.push(Marker::Str8.to_u8());
        out.push(len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.push(Marker::Str16.to_u8());
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(Marker::Str32.to_u8());
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(s.as_bytes());
}

/// Go's msgpack always uses bin8 at least (there is no fixbin).
pub(super) fn bin(out: &mut Vec<u8>, b: &[u8]) {
    let len = b.len();
    if len <= usize::from(u8::MAX) {
        out.push(Marker::Bin8.to_u8());
        out.push(len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.push(Marker::Bin16.to_u8());
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(Marker::Bin32.to_u8());
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(b);
}

pub(super) fn array_len(out: &mut Vec<u8>, len: u32) {
    if len < 16 {
        out.push(Marker::FixArray(len as u8).to_u8());
    } else if len <= u32::from(u16::MAX) {
        out.push(Marker::Array16.to_u8());
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(Marker::Array32.to_u8());
        out.extend_from_slice(&len.to_be_bytes());
    }
}

pub(super) fn map_len(out: &mut Vec<u8>, len: u32) {
    if len < 16 {
        out.push(Marker::FixMap(len as u8).to_u8());
    } else if len <= u32::from(u16::MAX) {
        out.push(Marker::Map16.to_u8());
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(Marker::Map32.to_u8());
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// An extension element; fixext forms for the lengths that have one.
pub(super) fn ext(out: &mut Vec<u8>, code: i8, payload: &[u8]) {
    let len = payload.len();
    match len {
        1 => out.push(Marker::FixExt1.to_u8()),
        2 => out.push(Marker::FixExt2.to_u8()),
        4 => out.push(Marker::FixExt4.to_u8()),
        8 => out.push(Marker::FixExt8.to_u8()),
        16 => out.push(Marker::FixExt16.to_u8()),
        _ if len <= usize::from(u8::MAX) => {
            out.push(Marker::Ext8.to_u8());
            out.push(len as u8);
        }
        _ if len <= usize::from(u16::MAX) => {
            out.push(Marker::Ext16.to_u8());
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(Marker::Ext32.to_u8());
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
    out.push(code as u8);
    out.extend_from_slice(payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    #[test]
    fn compact_ints_like_go() {
        assert_eq!(bytes(|o| int(o, 0)), [0x00]);
        assert_eq!(bytes(|o| int(o, 127)), [0x7f]);
        assert_eq!(bytes(|o| int(o, 128)), [0xcc, 0x80]);
        assert_eq!(bytes(|o| int(o, 256)), [0xcd, 0x01, 0x00]);
        assert_eq!(bytes(|o| int(o, 65536)), [0xce, 0, 1, 0, 0]);
        assert_eq!(bytes(|o| int(o, 1 << 32)), [0xcf, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(bytes(|o| int(o, -1)), [0xff]);
        assert_eq!(bytes(|o| int(o, -32)), [0xe0]);
        assert_eq!(bytes(|o| int(o, -33)), [0xd0, 0xdf]);
        assert_eq!(bytes(|o| int(o, -129)), [0xd1, 0xff, 0x7f]);
        assert_eq!(bytes(|o| int(o, -32769)), [0xd2, 0xff, 0xff, 0x7f, 0xff]);
        assert_eq!(
            bytes(|o| int(o, i64::MIN)),
            [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn strings_bins_and_headers() {
        assert_eq!(bytes(|o| str(o, "")), [0xa0]);
        assert_eq!(bytes(|o| str(o, "hi")), [0xa2, b'h', b'i']);
        assert_eq!(bytes(|o| str(o, &"x".repeat(32)))[..2], [0xd9, 32]);
        assert_eq!(bytes(|o| str(o, &"x".repeat(256)))[..3], [0xda, 1, 0]);
        assert_eq!(bytes(|o| bin(o, b"\"string\""))[..2], [0xc4, 8]);
        assert_eq!(bytes(|o| array_len(o, 2)), [0x92]);
        assert_eq!(bytes(|o| array_len(o, 16)), [0xdc, 0, 16]);
        assert_eq!(bytes(|o| map_len(o, 15)), [0x8f]);
        assert_eq!(bytes(|o| map_len(o, 70000)), [0xdf, 0, 1, 0x11, 0x70]);
        assert_eq!(bytes(|o| ext(o, 0, &[0])), [0xd4, 0, 0]);
        assert_eq!(bytes(|o| ext(o, 12, &[1, 2, 3])), [0xc7, 3, 12, 1, 2, 3]);
        assert_eq!(bytes(|o| f64(o, 1.5)), [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]);
    }
}
