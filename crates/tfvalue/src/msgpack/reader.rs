//! A zero-copy cursor over msgpack bytes: reads one element header at a
//! time so the decoder can be driven by the cty type.

use rmp::Marker;

use crate::DecodeErrorKind;

pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// An extension element: its type code and payload.
pub(super) struct Ext<'a> {
    pub code: i8,
    pub payload: &'a [u8],
}

/// A scalar number as it appeared on the wire.
pub(super) enum WireNumber<'a> {
    Int(i64),
    Uint(u64),
    Float(f64),
    Text(&'a [u8]),
}

type Result<T> = std::result::Result<T, DecodeErrorKind>;

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn peek_marker(&self) -> Result<Marker> {
        self.buf
            .get(self.pos)
            .map(|&b| Marker::from_u8(b))
            .ok_or(DecodeErrorKind::UnexpectedEnd)
    }

    fn marker(&mut self) -> Result<Marker> {
        let m = self.peek_marker()?;
        self.pos += 1;
        Ok(m)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or(DecodeErrorKind::UnexpectedEnd)?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// Consumes a nil if one is next.
    pub fn try_nil(&mut self) -> Result<bool> {
        if matches!(self.peek_marker()?, Marker::Null) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    pub fn is_ext_next(&self) -> Result<bool> {
        Ok(matches!(
            self.peek_marker()?,
            Marker::FixExt1
                | Marker::FixExt2
                | Marker::FixExt4
                | Marker::FixExt8
                | Marker::FixExt16
                | Marker::Ext8
                | Marker::Ext16
                | Marker::Ext32
        ))
    }

    pub fn ext(&mut self) -> Result<Ext<'a>> {
        let len = match self.marker()? {
            Marker::FixExt1 => 1,
            Marker::FixExt2 => 2,
            Marker::FixExt4 => 4,
            Marker::FixExt8 => 8,
            Marker::FixExt16 => 16,
            Marker::Ext8 => usize::from(self.u8()?),
            Marker::Ext16 => usize::from(self.u16()?),
            Marker::Ext32 => self.u32()? as usize,
            _ => return Err(DecodeErrorKind::Expected("an extension")),
        };
        let code = self.u8()? as i8;
        let payload = self.take(len)?;
        Ok(Ext { code, payload })
    }

    pub fn bool(&mut self) -> Result<Option<bool>> {
        Ok(match self.peek_marker()? {
            Marker::True => {
                self.pos += 1;
                Some(true)
            }
            Marker::False => {
                self.pos += 1;
                Some(false)
            }
            _ => None,
        })
    }

    /// Any int, uint, float or str/bin element (the last for big decimals).
    pub fn number(&mut self) -> Result<Option<WireNumber<'a>>> {
        let marker = self.peek_marker()?;
        let n = match marker {
            Marker::FixPos(v) => WireNumber::Int(i64::from(v)),
            Marker::FixNeg(v) => WireNumber::Int(i64::from(v)),
            Marker::U8 | Marker::U16 | Marker::U32 | Marker::U64 => {
                self.pos += 1;
                return Ok(Some(WireNumber::Uint(match marker {
                    Marker::U8 => u64::from(self.u8()?),
                    Marker::U16 => u64::from(self.u16()?),
                    Marker::U32 => u64::from(self.u32()?),
                    _ => self.u64()?,
                })));
            }
            Marker::I8 | Marker::I16 | Marker::I32 | Marker::I64 => {
                self.pos += 1;
                return Ok(Some(WireNumber::Int(match marker {
                    Marker::I8 => i64::from(self.u8()? as i8),
                    Marker::I16 => i64::from(self.u16()? as i16),
                    Marker::I32 => i64::from(self.u32()? as i32),
                    _ => self.u64()? as i64,
                })));
            }
            Marker::F32 => {
                self.pos += 1;
                return Ok(Some(WireNumber::Float(f64::from(f32::from_bits(
                    self.u32()?,
                )))));
            }
            Marker::F64 => {
                self.pos += 1;
                return Ok(Some(WireNumber::Float(f64::from_bits(self.u64()?))));
            }
            _ => {
                return Ok(self.bytes()?.map(WireNumber::Text));
            }
        };
        self.pos += 1;
        Ok(Some(n))
    }

    /// The bytes of a str or bin element (Go's msgpack decoder accepts
    /// either wherever it wants a string).
    pub fn bytes(&mut self) -> Result<Option<&'a [u8]>> {
        let len = match self.peek_marker()? {
            Marker::FixStr(n) => {
                self.pos += 1;
                usize::from(n)
            }
            Marker::Str8 | Marker::Bin8 => {
                self.pos += 1;
                usize::from(self.u8()?)
            }
            Marker::Str16 | Marker::Bin16 => {
                self.pos += 1;
                usize::from(self.u16()?)
            }
            Marker::Str32 | Marker::Bin32 => {
                self.pos += 1;
                self.u32()? as usize
            }
            _ => return Ok(None),
        };
        self.take(len).map(Some)
    }

    pub fn str(&mut self) -> Result<Option<&'a str>> {
        match self.bytes()? {
            Some(b) => std::str::from_utf8(b)
                .map(Some)
                .map_err(|_| DecodeErrorKind::InvalidUtf8),
            None => Ok(None),
        }
    }

    pub fn array_len(&mut self) -> Result<Option<usize>> {
        Ok(Some(match self.peek_marker()? {
            Marker::FixArray(n) => {
                self.pos += 1;
                usize::from(n)
            }
            Marker::Array16 => {
                self.pos += 1;
                usize::from(self.u16()?)
            }
            Marker::Array32 => {
                self.pos += 1;
                self.u32()? as usize
            }
            _ => return Ok(None),
        }))
    }

    pub fn map_len(&mut self) -> Result<Option<usize>> {
        Ok(Some(match self.peek_marker()? {
            Marker::FixMap(n) => {
                self.pos += 1;
                usize::from(n)
            }
            Marker::Map16 => {
                self.pos += 1;
                usize::from(self.u16()?)
            }
            Marker::Map32 => {
                self.pos += 1;
                self.u32()? as usize
            }
            _ => return Ok(None),
        }))
    }

    /// Skips one complete element of any kind (iteratively, so hostile
    /// nesting cannot exhaust the stack).
    pub fn skip(&mut self) -> Result<()> {
        let mut pending: usize = 1;
        while pending > 0 {
            pending -= 1;
            let marker = self.marker()?;
            let skip_bytes = match marker {
                Marker::FixPos(_)
                | Marker::FixNeg(_)
                | Marker::Null
                | Marker::True
                | Marker::False => 0,
                Marker::Reserved => {
                    return Err(DecodeErrorKind::Syntax("reserved marker 0xc1".into()))
                }
                Marker::U8 | Marker::I8 => 1,
                Marker::U16 | Marker::I16 => 2,
                Marker::U32 | Marker::I32 | Marker::F32 => 4,
                Marker::U64 | Marker::I64 | Marker::F64 => 8,
                Marker::FixStr(n) => usize::from(n),
                Marker::Str8 | Marker::Bin8 => usize::from(self.u8()?),
                Marker::Str16 | Marker::Bin16 => usize::from(self.u16()?),
                Marker::Str32 | Marker::Bin32 => self.u32()? as usize,
                Marker::FixExt1 => 2,
                Marker::FixExt2 => 3,
                Marker::FixExt4 => 5,
                Marker::FixExt8 => 9,
                Marker::FixExt16 => 17,
                Marker::Ext8 => usize::from(self.u8()?) + 1,
                Marker::Ext16 => usize::from(self.u16()?) + 1,
                Marker::Ext32 => self.u32()? as usize + 1,
                Marker::FixArray(n) => {
                    pending += usize::from(n);
                    0
                }
                Marker::Array16 => {
                    pending += usize::from(self.u16()?);
                    0
                }
                Marker::Array32 => {
                    pending += self.u32()? as usize;
                    0
                }
                Marker::FixMap(n) => {
                    pending += 2 * usize::from(n);
                    0
                }
                Marker::Map16 => {
                    pending += 2 * usize::from(self.u16()?);
                    0
                }
                Marker::Map32 => {
                    pending += 2 * self.u32()? as usize;
                    0
                }
            };
            self.take(skip_bytes)?;
        }
        Ok(())
    }
}
