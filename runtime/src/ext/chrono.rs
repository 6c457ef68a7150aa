//! chrono's types as truss and pydantic carry Python's `datetime`, `date`, `time` and
//! `timedelta`: truss's `__dt_*__` maps in msgpack, ISO 8601 text in JSON (durations as
//! pydantic writes them: `P1DT1H`, `-PT0.5S`, 365-day years).
//!
//! A Python `datetime` is naive or aware: `NaiveDateTime` holds the naive ones,
//! `DateTime<FixedOffset>` the aware ones with their offset as given, `DateTime<Utc>` aware ones
//! in UTC. Datetimes also read pydantic's lax inputs: a Unix timestamp (a number, or a string
//! holding one) in seconds, or in milliseconds past 2e10, which is a UTC datetime.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use serde_json::{Value, json};

use super::read_text;
use crate::codec::{Decode, Encode, Exactness, Kind, Reader, Writer};
use crate::error::Error;
use crate::schema::{JsonSchema, SchemaGenerator};

const DATETIME: &str = "__dt_datetime_iso__";
const DATE: &str = "__dt_date_iso__";
const TIME: &str = "__dt_time_iso__";
const TIMEDELTA: &str = "__dt_timedelta__";

const MICROS_PER_SECOND: i128 = 1_000_000;
const MICROS_PER_DAY: i128 = 86_400 * MICROS_PER_SECOND;

/// Python's `time.isoformat()`: `HH:MM:SS`, then `.ffffff` when there are microseconds
/// (finer digits are dropped: Python keeps microseconds).
fn time_iso(time: &NaiveTime) -> String {
    let micros = time.nanosecond() % 1_000_000_000 / 1000;
    let base = time.format("%H:%M:%S");
    if micros == 0 { base.to_string() } else { format!("{base}.{micros:06}") }
}

/// Python's `datetime.isoformat()` of a UTC datetime, with truss's and pydantic's `Z`.
fn datetime_iso(datetime: &DateTime<Utc>) -> String {
    format!("{}T{}Z", datetime.date_naive().format("%Y-%m-%d"), time_iso(&datetime.time()))
}

fn date_iso(date: &NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    parse_offset_datetime(text).map(|d| d.with_timezone(&Utc))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f").or_else(|_| NaiveTime::parse_from_str(text, "%H:%M")).ok()
}

/// The duration in whole microseconds, rounded toward negative infinity as Python's
/// `timedelta` would hold it.
fn total_micros(delta: &TimeDelta) -> i128 {
    i128::from(delta.num_seconds()) * MICROS_PER_SECOND + i128::from(delta.subsec_nanos()).div_euclid(1000)
}

fn from_micros(micros: i128) -> Option<TimeDelta> {
    let seconds = i64::try_from(micros.div_euclid(MICROS_PER_SECOND)).ok()?;
    let nanos = u32::try_from(micros.rem_euclid(MICROS_PER_SECOND) * 1000).ok()?;
    TimeDelta::new(seconds, nanos)
}

/// pydantic's ISO 8601 duration: `[-]P[nY][nD][T[nH][nM][n[.f]S]]`, years of 365 days.
fn duration_iso(delta: &TimeDelta) -> String {
    let micros = total_micros(delta);
    let sign = if micros < 0 { "-" } else { "" };
    let micros = micros.unsigned_abs();
    let days = micros / MICROS_PER_DAY as u128;
    let (years, days) = (days / 365, days % 365);
    let rest = micros % MICROS_PER_DAY as u128;
    let (hours, minutes) = (rest / 3_600_000_000, rest / 60_000_000 % 60);
    let (seconds, fraction) = (rest / 1_000_000 % 60, rest % 1_000_000);
    let mut out = format!("{sign}P");
    if years > 0 {
        out += &format!("{years}Y");
    }
    if days > 0 {
        out += &format!("{days}D");
    }
    if rest > 0 {
        out.push('T');
        if hours > 0 {
            out += &format!("{hours}H");
        }
        if minutes > 0 {
            out += &format!("{minutes}M");
        }
        if seconds > 0 || fraction > 0 {
            out += &seconds.to_string();
            if fraction > 0 {
                out += format!(".{fraction:06}").trim_end_matches('0');
            }
            out.push('S');
        }
    }
    if out.ends_with('P') {
        out += "T0S";
    }
    out
}

/// Reads the duration forms pydantic writes and common ISO 8601 ones: `[-]P[nY][nW][nD]
/// [T[nH][nM][n[.f]S]]` with 365-day years (months are ambiguous and refused).
fn parse_duration(text: &str) -> Option<TimeDelta> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let body = text.strip_prefix('P')?;
    let (date_part, time_part) = body.split_once('T').unwrap_or((body, ""));
    if body.is_empty() || body.ends_with('T') {
        return None;
    }
    let mut micros: i128 = 0;
    let mut number = String::new();
    for (part, in_time) in [(date_part, false), (time_part, true)] {
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let unit: i128 = match (c, in_time) {
                ('Y', false) => 365 * MICROS_PER_DAY,
                ('W', false) => 7 * MICROS_PER_DAY,
                ('D', false) => MICROS_PER_DAY,
                ('H', true) => 3600 * MICROS_PER_SECOND,
                ('M', true) => 60 * MICROS_PER_SECOND,
                ('S', true) => MICROS_PER_SECOND,
                _ => return None,
            };
            let (int, fraction) = number.split_once('.').unwrap_or((&number, ""));
            if int.is_empty() && fraction.is_empty() || fraction.len() > 6 || (c != 'S' && !fraction.is_empty()) {
                return None;
            }
            let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
            let fraction: i128 = if fraction.is_empty() { 0 } else { format!("{fraction:0<6}").parse().ok()? };
            micros = micros.checked_add(whole.checked_mul(unit)?.checked_add(fraction)?)?;
            number.clear();
        }
        if !number.is_empty() {
            return None;
        }
    }
    from_micros(if negative { -micros } else { micros })
}

/// Python's `datetime.isoformat()` of a naive datetime.
fn naive_datetime_iso(datetime: &NaiveDateTime) -> String {
    format!("{}T{}", datetime.date().format("%Y-%m-%d"), time_iso(&datetime.time()))
}

/// Python's `datetime.isoformat()` of an aware datetime, its offset as given (`+01:00`), UTC as
/// `Z` (as pydantic and truss write it).
fn offset_datetime_iso(datetime: &DateTime<FixedOffset>) -> String {
    let offset = datetime.offset().local_minus_utc();
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let offset = offset.unsigned_abs();
        let (hours, minutes, seconds) = (offset / 3600, offset / 60 % 60, offset % 60);
        if seconds == 0 {
            format!("{sign}{hours:02}:{minutes:02}")
        } else {
            format!("{sign}{hours:02}:{minutes:02}:{seconds:02}")
        }
    };
    format!("{}T{}{zone}", datetime.naive_local().date().format("%Y-%m-%d"), time_iso(&datetime.naive_local().time()))
}

/// A naive datetime's text: `YYYY-MM-DD[T| ]HH:MM[:SS[.f]]`, or a date alone (midnight), as
/// pydantic reads a `datetime`; text with an offset is not naive.
fn parse_naive_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Some(date) = parse_date(text) {
        return date.and_hms_opt(0, 0, 0);
    }
    let (date, time) = text.split_once(['T', 't', ' '])?;
    Some(NaiveDateTime::new(parse_date(date)?, parse_time(time)?))
}

/// An aware datetime's text: RFC 3339 with `T` or a space, the offset kept as given.
fn parse_offset_datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text).ok().or_else(|| {
        let (date, rest) = text.split_once(['T', 't', ' '])?;
        DateTime::parse_from_rfc3339(&format!("{date}T{rest}")).ok()
    })
}

/// pydantic's lax datetime from a number: Unix seconds, or milliseconds past `2e10`, in UTC;
/// out of years 0001 to 9999, pydantic's `datetime_parsing` error.
fn from_timestamp(value: f64) -> Result<DateTime<Utc>, Error> {
    let seconds = if value.abs() > 2e10 { value / 1000.0 } else { value };
    let out_of_range = |after: bool| {
        let error = if after {
            "dates after 9999 are not supported as unix timestamps"
        } else {
            "dates before 0000 are not supported as unix timestamps"
        };
        Error::validation(
            "datetime_parsing",
            format!("Input should be a valid datetime, {error}"),
            Some(json!({ "error": error })),
        )
    };
    // 9999-12-31T23:59:59 and 0001-01-01T00:00:00 UTC.
    if seconds.is_nan() || seconds > 253_402_300_799.0 {
        return Err(out_of_range(true));
    }
    if seconds < -62_135_596_800.0 {
        return Err(out_of_range(false));
    }
    #[allow(clippy::cast_possible_truncation)]
    DateTime::from_timestamp_micros((seconds * 1e6).round() as i64).ok_or_else(|| out_of_range(seconds > 0.0))
}

/// pydantic's error for a string that is no datetime, with speedate's reason.
#[cold]
fn date_parsing_error(error: &'static str) -> Error {
    Error::validation(
        "datetime_from_date_parsing",
        format!("Input should be a valid datetime or date, {error}"),
        Some(json!({ "error": error })),
    )
}

/// A Unix timestamp written as a string, as speedate reads one: a sign, digits and a fraction
/// (`12`, `+12`, `12.`, `.5`), an exponent only after a fraction (`12.5e1`); no spaces.
fn timestamp_text(text: &str) -> Option<f64> {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, fraction) = match rest.split_once('.') {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (rest, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let valid = match fraction {
        None => !int.is_empty() && digits(int),
        Some(fraction) => {
            let (fraction, exponent) = match fraction.split_once(['e', 'E']) {
                Some((fraction, exponent)) => (fraction, Some(exponent)),
                None => (fraction, None),
            };
            let exponent_ok = exponent.is_none_or(|e| {
                let e = e.strip_prefix(['+', '-']).unwrap_or(e);
                !e.is_empty() && digits(e)
            });
            (!int.is_empty() || !fraction.is_empty()) && digits(int) && digits(fraction) && exponent_ok
        }
    };
    if !valid {
        return None;
    }
    text.parse().ok().or_else(|| format!("{text}0").parse().ok())
}

/// Why speedate (pydantic's parser) refuses `text` as a date, which is what pydantic reports
/// for a string that is no datetime (`datetime_from_date_parsing`): `None` for a valid date.
fn date_error(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 10 {
        return Some("input is too short");
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    let Some(year) = digits(0..4) else { return Some("invalid character in year") };
    if bytes[4] != b'-' {
        return Some("invalid date separator, expected `-`");
    }
    let Some(month) = digits(5..7) else { return Some("invalid character in month") };
    if bytes[7] != b'-' {
        return Some("invalid date separator, expected `-`");
    }
    let Some(day) = digits(8..10) else { return Some("invalid character in day") };
    if !(1..=12).contains(&month) {
        return Some("month value is outside expected range of 1-12");
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        return Some("day value is outside expected range");
    }
    if bytes.len() > 10 {
        return Some("unexpected extra characters at the end of the input");
    }
    None
}

/// A datetime read as pydantic reads one: text, or (numbers and numeric strings) a Unix
/// timestamp, a UTC datetime that `timestamp` converts (`None`: the type cannot hold one).
/// Binary mode reads truss's map, or a plain value as pydantic's `model_validate` does.
/// Refusals are pydantic's: `datetime_type` for a value of another kind,
/// `datetime_from_date_parsing` for text that is no datetime, `datetime_parsing` for a
/// timestamp out of range.
fn read_datetime<'de, R: Reader<'de>, T>(
    reader: &mut R,
    what: &'static str,
    parse: fn(&str) -> Option<T>,
    timestamp: Option<fn(DateTime<Utc>) -> T>,
) -> Result<T, Error> {
    let read = |r: &mut R| -> Result<T, Error> {
        let from_timestamp = |value: f64| -> Result<T, Error> {
            let datetime = from_timestamp(value)?;
            let convert = timestamp.ok_or_else(|| {
                Error::invalid_value(format!("expected {what}; a timestamp is an aware (UTC) datetime"))
            })?;
            Ok(convert(datetime))
        };
        match r.peek()? {
            // A timestamp is a lax match (pydantic-core's datetime from a number).
            Kind::Number => {
                r.floor_exactness(Exactness::Lax);
                return from_timestamp(r.read_float()?);
            }
            Kind::Str | Kind::Bytes => {}
            _ => return Err(Error::validation("datetime_type", "Input should be a valid datetime", None)),
        }
        // In binary mode bytes too, as their text (pydantic reads `b"12"` as a timestamp).
        let text = if R::BINARY && r.peek()? == Kind::Bytes {
            r.floor_exactness(Exactness::Lax);
            let bytes = r.read_bytes()?;
            match std::str::from_utf8(&bytes) {
                Ok(text) => std::borrow::Cow::Owned(text.to_owned()),
                Err(_) => return Err(date_parsing_error(date_error(&bytes).unwrap_or("invalid character in year"))),
            }
        } else {
            super::text(r)?
        };
        if let Some(value) = parse(&text) {
            // A date alone is pydantic-core's lax fallback for a datetime.
            if text.trim().len() <= 10 {
                r.floor_exactness(Exactness::Lax);
            }
            return Ok(value);
        }
        if let Some(value) = timestamp_text(&text) {
            r.floor_exactness(Exactness::Lax);
            return from_timestamp(value);
        }
        match date_error(text.as_bytes()) {
            Some(error) => Err(date_parsing_error(error)),
            None => Err(Error::invalid_value(format!("expected {what}, got {text:?}"))),
        }
    };
    super::read_extension(reader, DATETIME, "datetime_type", "Input should be a valid datetime", read)
}

macro_rules! text_type {
    ($ty:ty, $tag:ident, $what:literal, $format:ident, $parse:ident, $schema:literal) => {
        impl Encode for $ty {
            fn encode<W: Writer>(&self, writer: &mut W) {
                writer.write_tagged($tag, |w| w.write_str(&$format(self)));
            }
        }

        impl<'de> Decode<'de> for $ty {
            fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
                reader.read_tagged($tag, |r| read_text(r, $what, $parse))
            }
        }

        impl JsonSchema for $ty {
            fn schema(_: &mut SchemaGenerator) -> Value {
                json!({"format": $schema, "type": "string"})
            }

            /// `date`, `time`: Python's class name, and pydantic-core's label.
            fn type_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($schema)
            }
        }
    };
}

macro_rules! datetime_type {
    ($ty:ty, $what:literal, $format:ident, $parse:expr, $timestamp:expr) => {
        impl Encode for $ty {
            fn encode<W: Writer>(&self, writer: &mut W) {
                writer.write_tagged(DATETIME, |w| w.write_str(&$format(self)));
            }
        }

        impl<'de> Decode<'de> for $ty {
            fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
                read_datetime(reader, $what, $parse, $timestamp)
            }
        }

        impl JsonSchema for $ty {
            fn schema(_: &mut SchemaGenerator) -> Value {
                json!({"format": "date-time", "type": "string"})
            }

            fn type_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed("datetime")
            }
        }
    };
}

datetime_type!(DateTime<Utc>, "an ISO 8601 datetime with a timezone", datetime_iso, parse_datetime, Some(|d| d));
datetime_type!(
    DateTime<FixedOffset>,
    "an ISO 8601 datetime with a timezone",
    offset_datetime_iso,
    parse_offset_datetime,
    Some(|d: DateTime<Utc>| d.fixed_offset())
);
datetime_type!(
    NaiveDateTime,
    "an ISO 8601 datetime without a timezone",
    naive_datetime_iso,
    parse_naive_datetime,
    None
);
datetime_type!(
    AnyDateTime,
    "an ISO 8601 datetime",
    any_datetime_iso,
    parse_any_datetime,
    Some(|d: DateTime<Utc>| AnyDateTime::Aware(d.fixed_offset()))
);

/// A Python `datetime`, naive or aware, as pydantic's `datetime` field holds either: text with
/// an offset (or `Z`) is aware, its offset kept as given; text without one (or a date alone,
/// midnight) is naive; a Unix timestamp is aware, in UTC. Each is written back as it came
/// (`2024-05-01T12:00:00`, `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00+01:00`), as JSON text
/// or truss's `__dt_datetime_iso__` map.
///
/// ```
/// use chainmodel::AnyDateTime;
/// use chainmodel::prelude::*;
///
/// #[derive(ChainModel, Debug)]
/// struct Event {
///     at: AnyDateTime,
/// }
///
/// let naive = Event::from_json(r#"{"at": "2024-05-01T12:00:00"}"#)?;
/// assert!(matches!(naive.at, AnyDateTime::Naive(_)));
/// assert_eq!(naive.to_json()?, r#"{"at":"2024-05-01T12:00:00"}"#);
/// let aware = Event::from_json(r#"{"at": "2024-05-01 12:00:00+01:00"}"#)?;
/// assert_eq!(aware.to_json()?, r#"{"at":"2024-05-01T12:00:00+01:00"}"#);
/// assert_eq!(Event::from_json(r#"{"at": "2024-05-01"}"#)?.to_json()?, r#"{"at":"2024-05-01T00:00:00"}"#);
/// # Ok::<(), chainmodel::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnyDateTime {
    /// No timezone: Python's naive `datetime`.
    Naive(NaiveDateTime),
    /// With its offset as given (`+00:00` for `Z`): Python's aware `datetime`.
    Aware(DateTime<FixedOffset>),
}

impl AnyDateTime {
    /// Whether it is aware (has an offset).
    pub fn is_aware(&self) -> bool {
        matches!(self, AnyDateTime::Aware(_))
    }
}

impl From<NaiveDateTime> for AnyDateTime {
    fn from(value: NaiveDateTime) -> Self {
        AnyDateTime::Naive(value)
    }
}

impl<Tz: chrono::TimeZone> From<DateTime<Tz>> for AnyDateTime {
    fn from(value: DateTime<Tz>) -> Self {
        AnyDateTime::Aware(value.fixed_offset())
    }
}

fn any_datetime_iso(datetime: &AnyDateTime) -> String {
    match datetime {
        AnyDateTime::Naive(naive) => naive_datetime_iso(naive),
        AnyDateTime::Aware(aware) => offset_datetime_iso(aware),
    }
}

fn parse_any_datetime(text: &str) -> Option<AnyDateTime> {
    parse_offset_datetime(text).map(AnyDateTime::Aware).or_else(|| parse_naive_datetime(text).map(AnyDateTime::Naive))
}
text_type!(NaiveDate, DATE, "an ISO 8601 date", date_iso, parse_date, "date");
text_type!(NaiveTime, TIME, "an ISO 8601 time", time_iso, parse_time, "time");

impl Encode for TimeDelta {
    /// pydantic's ISO 8601 duration in JSON; truss's `[days, seconds, microseconds]`,
    /// normalized as Python's `timedelta`, in msgpack.
    fn encode<W: Writer>(&self, writer: &mut W) {
        if !W::BINARY {
            return writer.write_str(&duration_iso(self));
        }
        let micros = total_micros(self);
        let days = micros.div_euclid(MICROS_PER_DAY) as i64;
        let rest = micros.rem_euclid(MICROS_PER_DAY);
        let parts = (days, (rest / MICROS_PER_SECOND) as i64, (rest % MICROS_PER_SECOND) as i64);
        writer.write_tagged(TIMEDELTA, |w| parts.encode(w));
    }
}

impl<'de> Decode<'de> for TimeDelta {
    /// In JSON an ISO 8601 duration, or a number of seconds (as pydantic reads a `timedelta`);
    /// in msgpack truss's `[days, seconds, microseconds]`.
    fn decode<R: Reader<'de>>(reader: &mut R) -> Result<Self, Error> {
        reader.read_tagged(TIMEDELTA, |r| {
            if R::BINARY {
                // truss's map holds a `timedelta` itself: an exact match, though its data is a list.
                let (days, seconds, micros) = crate::codec::exactly(r, <(i64, i64, i64)>::decode)?;
                let total =
                    i128::from(days) * MICROS_PER_DAY + i128::from(seconds) * MICROS_PER_SECOND + i128::from(micros);
                return from_micros(total).ok_or_else(|| Error::invalid_value("the duration is out of range"));
            }
            if r.peek()? == Kind::Number {
                r.floor_exactness(Exactness::Lax);
                let seconds = r.read_float()?;
                return from_micros((seconds * 1e6).round() as i128)
                    .filter(|_| seconds.is_finite())
                    .ok_or_else(|| Error::invalid_value(format!("{seconds} seconds is out of range for a duration")));
            }
            read_text(r, "an ISO 8601 duration", parse_duration)
        })
    }
}

impl JsonSchema for TimeDelta {
    fn schema(_: &mut SchemaGenerator) -> Value {
        json!({"format": "duration", "type": "string"})
    }

    fn type_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("timedelta")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_as_pydantic_writes_them() {
        let cases = [
            (TimeDelta::milliseconds(500), "PT0.5S"),
            (TimeDelta::milliseconds(1250), "PT1.25S"),
            (TimeDelta::days(2), "P2D"),
            (TimeDelta::days(90) + TimeDelta::seconds(60), "P90DT1M"),
            (TimeDelta::seconds(3600), "PT1H"),
            (TimeDelta::days(-3), "-P3D"),
            (TimeDelta::days(1_000_000) + TimeDelta::microseconds(10), "P2739Y265DT0.00001S"),
            (TimeDelta::seconds(59) + TimeDelta::microseconds(100), "PT59.0001S"),
            (TimeDelta::days(-1) + TimeDelta::seconds(5) + TimeDelta::microseconds(7), "-PT23H59M54.999993S"),
            (TimeDelta::zero(), "PT0S"),
        ];
        for (delta, text) in cases {
            assert_eq!(duration_iso(&delta), text);
            assert_eq!(parse_duration(text), Some(delta), "{text}");
        }
        assert_eq!(parse_duration("P1W"), Some(TimeDelta::days(7)));
        for bad in ["P", "PT", "P1M", "1D", "PT1.5M", "P1.5D", "PTS"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetimes_and_times_are_python_isoformat() {
        let datetime = parse_datetime("2024-01-02T03:04:05.123+00:00").unwrap();
        assert_eq!(datetime_iso(&datetime), "2024-01-02T03:04:05.123000Z");
        assert_eq!(datetime_iso(&parse_datetime("2024-01-02T04:04:05+01:00").unwrap()), "2024-01-02T03:04:05Z");
        assert_eq!(time_iso(&parse_time("03:04:05.000120").unwrap()), "03:04:05.000120");
        assert!(parse_datetime("2024-01-02T03:04:05").is_none(), "a naive datetime is refused");
    }
}
