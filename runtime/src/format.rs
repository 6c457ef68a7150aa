//! Text of arrays as numpy prints them (`str(arr)`, numpy 2 defaults): the same digits,
//! padding, line wrapping at 75 columns and summaries of arrays over 1000 elements.
//!
//! This follows numpy's `arrayprint.py` (`_formatArray`, `FloatingFormat`,
//! `ComplexFloatingFormat`, `IntegerFormat`, `BoolFormat`) and the Dragon4 scalar
//! formatting of `scalartypes.c`; the interop tests compare it with numpy's output.

use std::fmt;

use half::f16;
use num_complex::Complex;

use crate::dtype::DType;
use crate::element::Element;
use crate::error::PyShape;

/// numpy's defaults: `precision`, `threshold`, `edgeitems`, `linewidth`.
const PRECISION: usize = 8;
const THRESHOLD: usize = 1000;
const EDGE_ITEMS: usize = 3;
const LINE_WIDTH: usize = 75;

/// One element, widened to what the formatter needs; floats keep their own width because
/// their shortest digits depend on it (`float32(0.1)` prints as `0.1`).
#[derive(Clone, Copy, Debug)]
pub enum Scalar {
    Bool(bool),
    Int(i128),
    F16(f16),
    F32(f32),
    F64(f64),
    Complex64(Complex<f32>),
    Complex128(Complex<f64>),
}

/// A float of one of numpy's widths.
#[derive(Clone, Copy, Debug)]
enum Float {
    F16(f16),
    F32(f32),
    F64(f64),
}

impl Float {
    /// Where numpy's scalar `str` turns to scientific notation: about `10^digits` of the type.
    fn positional_cutoff(self) -> f64 {
        match self {
            Float::F16(_) => 1e3,
            Float::F32(_) => 1e6,
            Float::F64(_) => 1e16,
        }
    }

    /// Where numpy's array printing turns to scientific notation: `10^min(8, precision)`, with
    /// numpy's `finfo(dtype).precision` of 3, 6 and 15 decimal digits.
    fn array_cutoff(self) -> f64 {
        match self {
            Float::F16(_) => 1e3,
            Float::F32(_) => 1e6,
            Float::F64(_) => 1e8,
        }
    }

    fn value(self) -> f64 {
        match self {
            Float::F16(x) => x.to_f64(),
            Float::F32(x) => f64::from(x),
            Float::F64(x) => x,
        }
    }

    /// The shortest digits that read back as this float (at its own width), closest to it.
    fn shortest(self) -> Decimal {
        let text = match self {
            Float::F32(x) => Self::break_tie_to_even(format!("{x:e}"), f64::from(x)),
            Float::F64(x) => Self::break_tie_to_even(format!("{x:e}"), x),
            // `half` prints through f32, which gives f32's digits; search f16's own.
            Float::F16(x) => {
                let wide = x.to_f64();
                (0..=5)
                    .map(|precision| format!("{wide:.precision$e}"))
                    .find(|text| text.parse::<f64>().is_ok_and(|back| f16::from_f64(back) == x))
                    .unwrap_or_else(|| format!("{wide:e}"))
            }
        };
        Decimal::parse(&text)
    }
}

impl Float {
    /// Rust's shortest digits round a tie up; Dragon4 (numpy) takes the even neighbour. A tie
    /// means the exact value has one digit more than the shortest, and that digit is a 5.
    fn break_tie_to_even(shortest: String, value: f64) -> String {
        let len = Decimal::parse(&shortest).digits.len();
        let longer = format!("{value:.len$e}");
        let mantissa = longer.split('e').next().unwrap_or_default();
        // Every double's exact decimal expansion fits in 1100 digits.
        let is_exact = || {
            let exact = format!("{value:.1100e}");
            let exact_mantissa = exact.split('e').next().unwrap_or_default();
            exact_mantissa.get(mantissa.len()..).is_some_and(|rest| rest.bytes().all(|b| b == b'0'))
        };
        if mantissa.ends_with('5') && longer.parse::<f64>() == Ok(value) && is_exact() {
            // Rust's fixed-precision formatting rounds an exact tie to even.
            return format!("{value:.prec$e}", prec = len - 1);
        }
        shortest
    }
}

/// A finite decimal `±d1.d2d3… × 10^exp`, digits without leading or trailing zeros
/// (zero is the single digit 0).
#[derive(Clone, Debug, PartialEq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i32,
}

impl Decimal {
    /// Reads Rust's float text: `-12.50`, `1.25e-7`, `0e0`.
    fn parse(text: &str) -> Decimal {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exp) = match text.split_once('e') {
            Some((mantissa, exp)) => (mantissa, exp.parse::<i32>().unwrap_or(0)),
            None => (text, 0),
        };
        let int_len = mantissa.find('.').unwrap_or(mantissa.len()) as i32;
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        let leading = digits.iter().take_while(|&&d| d == b'0').count();
        if leading == digits.len() {
            return Decimal { negative, digits: vec![b'0'], exp: 0 };
        }
        digits.drain(..leading);
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { negative, digits, exp: exp + int_len - 1 - leading as i32 }
    }

    /// Digits after the decimal point in positional notation.
    fn fraction_len(&self) -> usize {
        (self.digits.len() as i32 - 1 - self.exp).max(0) as usize
    }

    /// `(int part with sign, fraction part)` in positional notation.
    fn positional(&self) -> (String, String) {
        let sign = if self.negative { "-" } else { "" };
        let digits = std::str::from_utf8(&self.digits).unwrap_or("0");
        if self.exp < 0 {
            let zeros = "0".repeat((-self.exp - 1) as usize);
            return (format!("{sign}0"), format!("{zeros}{digits}"));
        }
        let int_len = self.exp as usize + 1;
        if digits.len() <= int_len {
            (format!("{sign}{digits}{}", "0".repeat(int_len - digits.len())), String::new())
        } else {
            (format!("{sign}{}", &digits[..int_len]), digits[int_len..].to_owned())
        }
    }

    /// `(leading digit with sign, fraction part, exponent)` in scientific notation.
    fn scientific(&self) -> (String, String, i32) {
        let sign = if self.negative { "-" } else { "" };
        let digits = std::str::from_utf8(&self.digits).unwrap_or("0");
        (format!("{sign}{}", &digits[..1]), digits[1..].to_owned(), self.exp)
    }
}

/// Dragon4's unique mode as numpy runs it: the shortest digits that identify `x`, unless they
/// need more than `precision` fraction digits or fewer than `min_digits`; then the exact value
/// rounded to that many. Fraction digits count after the point of the positional form, or of
/// the mantissa in scientific form.
fn float_digits(x: Float, scientific: bool, precision: usize, min_digits: usize) -> Decimal {
    let shortest = x.shortest();
    let fraction_len = if scientific { shortest.digits.len() - 1 } else { shortest.fraction_len() };
    let digits = if fraction_len > precision {
        precision
    } else if fraction_len < min_digits {
        min_digits
    } else {
        return shortest;
    };
    let magnitude = x.value().abs();
    let exact = if scientific { format!("{magnitude:.digits$e}") } else { format!("{magnitude:.digits$}") };
    Decimal { negative: x.value().is_sign_negative(), ..Decimal::parse(&exact) }
}

fn exponent_text(exp: i32, min_digits: usize) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:0min_digits$}", exp.unsigned_abs())
}

/// numpy's `FloatingFormat` for one column of floats (a whole array, or the real or the
/// imaginary parts of a complex array), fixed by looking at every value shown.
struct FloatFormat {
    scientific: bool,
    /// Write `+` before non-negative values (the imaginary parts of complex numbers).
    plus: bool,
    precision: usize,
    min_digits: usize,
    pad_left: usize,
    pad_right: usize,
    exp_size: usize,
}

impl FloatFormat {
    fn new(values: &[Float], plus: bool) -> FloatFormat {
        let finite: Vec<Float> = values.iter().copied().filter(|x| x.value().is_finite()).collect();
        let magnitudes = finite.iter().map(|x| x.value().abs()).filter(|&m| m != 0.0);
        let (min, max) = magnitudes.fold((f64::INFINITY, 0.0f64), |(lo, hi), m| (lo.min(m), hi.max(m)));
        let cutoff = values.first().map_or(1e8, |x| x.array_cutoff());
        let scientific = max > 0.0 && (max >= cutoff || min < 1e-4 || max / min > 1e3);
        let sign = |negative: bool| {
            if negative {
                ""
            } else if plus {
                "+"
            } else {
                ""
            }
        };

        let mut format = FloatFormat {
            scientific,
            plus,
            precision: PRECISION,
            min_digits: 0,
            pad_left: 0,
            pad_right: 0,
            exp_size: 0,
        };
        if finite.is_empty() {
            // Only nan and inf: nothing to align but their own text.
        } else if scientific {
            let parts: Vec<_> = finite.iter().map(|&x| float_digits(x, true, PRECISION, 0).scientific()).collect();
            let exp_size = parts.iter().map(|(_, _, exp)| exp.unsigned_abs().to_string().len().max(2)).max();
            format.exp_size = exp_size.unwrap_or(2);
            format.precision = parts.iter().map(|(_, fraction, _)| fraction.len()).max().unwrap_or(0);
            format.min_digits = format.precision;
            format.pad_left = finite
                .iter()
                .zip(&parts)
                .map(|(x, (lead, _, _))| sign(x.value().is_sign_negative()).len() + lead.len())
                .max()
                .unwrap_or(0);
            format.pad_right = format.exp_size + 2 + format.precision;
        } else {
            let parts: Vec<_> = finite.iter().map(|&x| float_digits(x, false, PRECISION, 0).positional()).collect();
            format.pad_left = finite
                .iter()
                .zip(&parts)
                .map(|(x, (int, _))| sign(x.value().is_sign_negative()).len() + int.len())
                .max()
                .unwrap_or(0);
            format.pad_right = parts.iter().map(|(_, fraction)| fraction.len()).max().unwrap_or(0);
        }
        if finite.len() != values.len() {
            // Make room for nan and inf; `neginf` is numpy's name for the sign's column.
            let neginf = plus || values.iter().any(|x| x.value() == f64::NEG_INFINITY);
            let offset = format.pad_right + 1;
            format.pad_left = format
                .pad_left
                .max(3usize.saturating_sub(offset))
                .max((3 + usize::from(neginf)).saturating_sub(offset));
        }
        format
    }

    fn format(&self, x: Float) -> String {
        let value = x.value();
        if !value.is_finite() {
            let text = if value.is_nan() {
                if self.plus { "+nan" } else { "nan" }
            } else if value < 0.0 {
                "-inf"
            } else if self.plus {
                "+inf"
            } else {
                "inf"
            };
            return format!("{text:>width$}", width = self.pad_left + self.pad_right + 1);
        }
        let sign = if !value.is_sign_negative() && self.plus { "+" } else { "" };
        if self.scientific {
            let (lead, mut fraction, exp) = float_digits(x, true, self.precision, self.min_digits).scientific();
            pad_zeros(&mut fraction, self.min_digits);
            let lead = format!("{sign}{lead}");
            format!("{lead:>pad$}.{fraction}{}", exponent_text(exp, self.exp_size), pad = self.pad_left)
        } else {
            let (int, mut fraction) = float_digits(x, false, self.precision, self.min_digits).positional();
            pad_zeros(&mut fraction, self.min_digits);
            let int = format!("{sign}{int}");
            format!("{int:>left$}.{fraction:<right$}", left = self.pad_left, right = self.pad_right)
        }
    }
}

fn pad_zeros(fraction: &mut String, min_digits: usize) {
    while fraction.len() < min_digits {
        fraction.push('0');
    }
}

/// How every element of one array is written, fixed by looking at the elements shown.
enum ElementFormat {
    Bool,
    Int { width: usize },
    Float(FloatFormat),
    Complex { real: FloatFormat, imag: FloatFormat },
}

impl ElementFormat {
    fn new(shown: &[Scalar]) -> ElementFormat {
        match shown.first() {
            Some(Scalar::Bool(_)) | None => ElementFormat::Bool,
            Some(Scalar::Int(_)) => {
                let width = shown.iter().map(|s| if let Scalar::Int(i) = s { i.to_string().len() } else { 0 }).max();
                ElementFormat::Int { width: width.unwrap_or(0) }
            }
            Some(Scalar::F16(_) | Scalar::F32(_) | Scalar::F64(_)) => {
                let floats: Vec<Float> = shown.iter().filter_map(|s| s.parts().map(|(re, _)| re)).collect();
                ElementFormat::Float(FloatFormat::new(&floats, false))
            }
            Some(Scalar::Complex64(_) | Scalar::Complex128(_)) => {
                let (re, im): (Vec<Float>, Vec<Float>) =
                    shown.iter().filter_map(|s| s.parts()).map(|(re, im)| (re, im.unwrap_or(Float::F64(0.0)))).unzip();
                ElementFormat::Complex { real: FloatFormat::new(&re, false), imag: FloatFormat::new(&im, true) }
            }
        }
    }

    fn format(&self, x: Scalar) -> String {
        match (self, x) {
            (ElementFormat::Bool, Scalar::Bool(b)) => if b { " True" } else { "False" }.to_owned(),
            (ElementFormat::Int { width }, Scalar::Int(i)) => format!("{i:>width$}"),
            (ElementFormat::Float(format), x) => x.parts().map(|(re, _)| format.format(re)).unwrap_or_default(),
            (ElementFormat::Complex { real, imag }, x) => match x.parts() {
                Some((re, Some(im))) => {
                    let im = imag.format(im);
                    // The `j` goes before the padding of the imaginary part.
                    let end = im.trim_end().len();
                    format!("{}{}j{}", real.format(re), &im[..end], &im[end..])
                }
                _ => String::new(),
            },
            _ => String::new(),
        }
    }
}

impl Scalar {
    /// The Python object `arr.item()` gives: floats widen to Python's float (a double).
    fn to_python(self) -> Scalar {
        match self {
            Scalar::F16(x) => Scalar::F64(x.to_f64()),
            Scalar::F32(x) => Scalar::F64(f64::from(x)),
            Scalar::Complex64(c) => Scalar::Complex128(Complex::new(f64::from(c.re), f64::from(c.im))),
            other => other,
        }
    }

    /// The real part (or the float) and the imaginary part of a number.
    fn parts(self) -> Option<(Float, Option<Float>)> {
        match self {
            Scalar::F16(x) => Some((Float::F16(x), None)),
            Scalar::F32(x) => Some((Float::F32(x), None)),
            Scalar::F64(x) => Some((Float::F64(x), None)),
            Scalar::Complex64(c) => Some((Float::F32(c.re), Some(Float::F32(c.im)))),
            Scalar::Complex128(c) => Some((Float::F64(c.re), Some(Float::F64(c.im)))),
            Scalar::Bool(_) | Scalar::Int(_) => None,
        }
    }
}

/// numpy's `str()` of a scalar, which is how a 0-d array prints.
fn scalar_text(x: Scalar) -> String {
    match x {
        Scalar::Bool(b) => if b { "True" } else { "False" }.to_owned(),
        Scalar::Int(i) => i.to_string(),
        Scalar::F16(_) | Scalar::F32(_) | Scalar::F64(_) => {
            x.parts().map(|(re, _)| float_scalar_text(re, false, true)).unwrap_or_default()
        }
        Scalar::Complex64(_) | Scalar::Complex128(_) => match x.parts() {
            Some((re, Some(im))) => {
                if re.value() == 0.0 && !re.value().is_sign_negative() {
                    format!("{}j", float_scalar_text(im, false, false))
                } else {
                    format!("({}{}j)", float_scalar_text(re, false, false), float_scalar_text(im, true, false))
                }
            }
            _ => String::new(),
        },
    }
}

/// Python's `repr` of a float.
pub(crate) fn python_float(x: f64) -> String {
    float_scalar_text(Float::F64(x), false, true)
}

/// A float scalar: positional for `1e-4 <= |x| <` [`Float::positional_cutoff`] (and zero),
/// scientific otherwise, shortest digits; `keep_zero` writes `1.0` rather than `1`.
fn float_scalar_text(x: Float, plus: bool, keep_zero: bool) -> String {
    let value = x.value();
    let sign = if plus && !value.is_sign_negative() { "+" } else { "" };
    if value.is_nan() {
        return format!("{sign}nan");
    }
    if value.is_infinite() {
        return if value < 0.0 { "-inf".to_owned() } else { format!("{sign}inf") };
    }
    let magnitude = value.abs();
    let digits = x.shortest();
    if magnitude == 0.0 || (1e-4..x.positional_cutoff()).contains(&magnitude) {
        let (int, fraction) = digits.positional();
        match (fraction.is_empty(), keep_zero) {
            (true, true) => format!("{sign}{int}.0"),
            (true, false) => format!("{sign}{int}"),
            (false, _) => format!("{sign}{int}.{fraction}"),
        }
    } else {
        let (lead, fraction, exp) = digits.scientific();
        let point = if fraction.is_empty() { "" } else { "." };
        format!("{sign}{lead}{point}{fraction}{}", exponent_text(exp, 2))
    }
}

/// The C-order positions of the elements shown, by axis: all of them, or the first and last
/// [`EDGE_ITEMS`] of each long axis when the array is summarised.
struct Layout<'a> {
    shape: &'a [usize],
    strides: Vec<usize>,
    summarise: bool,
}

impl Layout<'_> {
    fn shown_indices(&self, dim: usize) -> (Vec<usize>, bool) {
        if self.summarise && dim > 2 * EDGE_ITEMS {
            ((0..EDGE_ITEMS).chain(dim - EDGE_ITEMS..dim).collect(), true)
        } else {
            ((0..dim).collect(), false)
        }
    }

    fn shown_flat(&self, axis: usize, offset: usize, out: &mut Vec<usize>) {
        if axis == self.shape.len() {
            out.push(offset);
            return;
        }
        for i in self.shown_indices(self.shape[axis]).0 {
            self.shown_flat(axis + 1, offset + i * self.strides[axis], out);
        }
    }

    /// numpy's `_formatArray` recursion.
    fn render(&self, axis: usize, offset: usize, indent: &str, width: usize, word: &dyn Fn(usize) -> String) -> String {
        if axis == self.shape.len() {
            return word(offset);
        }
        let next_indent = format!("{indent} ");
        let next_width = width.saturating_sub(1);
        let (indices, summary) = self.shown_indices(self.shape[axis]);
        let last = indices.len() - 1;
        let mut out = String::new();
        if axis + 1 == self.shape.len() {
            let elem_width = width.saturating_sub(1);
            let mut line = indent.to_owned();
            for (n, &i) in indices.iter().enumerate() {
                let text = self.render(axis + 1, offset + i * self.strides[axis], &next_indent, next_width, word);
                extend_line(&mut out, &mut line, &text, elem_width, indent);
                if n != last {
                    line.push(' ');
                }
                if summary && n + 1 == EDGE_ITEMS {
                    extend_line(&mut out, &mut line, "...", elem_width, indent);
                    line.push(' ');
                }
            }
            out.push_str(&line);
        } else {
            let separator = "\n".repeat(self.shape.len() - axis - 1);
            for (n, &i) in indices.iter().enumerate() {
                out.push_str(indent);
                out.push_str(&self.render(axis + 1, offset + i * self.strides[axis], &next_indent, next_width, word));
                if n != last {
                    out.push_str(&separator);
                }
                if summary && n + 1 == EDGE_ITEMS {
                    out.push_str(indent);
                    out.push_str("...");
                    out.push_str(&separator);
                }
            }
        }
        format!("[{}]", &out[indent.len()..])
    }
}

/// numpy's `_extendLine`: starts a new line when the word would pass `width`, unless the
/// line holds nothing but its indent.
fn extend_line(out: &mut String, line: &mut String, word: &str, width: usize, indent: &str) {
    if line.len() + word.len() > width && line.len() > indent.len() {
        out.push_str(line.trim_end());
        out.push('\n');
        line.clear();
        line.push_str(indent);
    }
    line.push_str(word);
}

/// Writes `str(arr)` for an array of `shape` whose C-order elements `get` returns, one at a
/// time, so that a summary widens only the elements it prints.
pub(crate) fn write_with(
    f: &mut fmt::Formatter<'_>,
    shape: &[usize],
    len: usize,
    get: &dyn Fn(usize) -> Scalar,
) -> fmt::Result {
    if shape.is_empty() {
        return f.write_str(&scalar_text(get(0)));
    }
    if len == 0 {
        return f.write_str("[]");
    }
    let mut strides = vec![1usize; shape.len()];
    for axis in (0..shape.len() - 1).rev() {
        strides[axis] = strides[axis + 1] * shape[axis + 1];
    }
    let layout = Layout { shape, strides, summarise: len > THRESHOLD };
    let mut shown = Vec::new();
    layout.shown_flat(0, 0, &mut shown);
    let format = ElementFormat::new(&shown.iter().map(|&i| get(i)).collect::<Vec<_>>());
    f.write_str(&layout.render(0, 0, " ", LINE_WIDTH, &|i| format.format(get(i))))
}

/// Writes `str(arr)` for typed elements.
pub(crate) fn write_array<T: Element>(f: &mut fmt::Formatter<'_>, shape: &[usize], data: &[T]) -> fmt::Result {
    write_with(f, shape, data.len(), &|i| data[i].to_scalar())
}

/// Writes truss's `NumpyArrayField` repr under another name:
/// `NdArray(shape=(3, 2), dtype=float64, data=[[…]])`. Its `data` is `f"{arr}"`, which is
/// `str(arr)` except for 0-d arrays, where Python formats `arr.item()`.
pub(crate) fn write_repr_with(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    dtype: DType,
    shape: &[usize],
    len: usize,
    get: &dyn Fn(usize) -> Scalar,
) -> fmt::Result {
    write!(f, "{name}(shape={}, dtype={dtype}, data=", PyShape(shape))?;
    write_with(f, shape, len, &|i| if shape.is_empty() { get(i).to_python() } else { get(i) })?;
    f.write_str(")")
}

/// Writes the `NumpyArrayField`-style repr for typed elements.
pub(crate) fn write_array_repr<T: Element>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    dtype: DType,
    shape: &[usize],
    data: &[T],
) -> fmt::Result {
    write_repr_with(f, name, dtype, shape, data.len(), &|i| data[i].to_scalar())
}

#[cfg(test)]
mod tests {
    use crate::NdArray;

    fn text<T: crate::Element>(shape: &[usize], data: Vec<T>) -> String {
        NdArray::from_shape_vec(shape.to_vec(), data).unwrap().to_string()
    }

    #[test]
    fn floats_pad_to_a_common_column() {
        assert_eq!(text(&[3], vec![1.0f64, 2.5, -10.0]), "[  1.    2.5 -10. ]");
        assert_eq!(text(&[2], vec![0.1f32, 0.2]), "[0.1 0.2]");
        assert_eq!(text(&[2], vec![1.0f64 / 3.0, 2.0]), "[0.33333333 2.        ]");
    }

    #[test]
    fn floats_switch_to_scientific_like_numpy() {
        assert_eq!(text(&[2], vec![1e-5f64, 1.0]), "[1.e-05 1.e+00]");
        assert_eq!(text(&[2], vec![1.5e10f64, f64::NAN]), "[1.5e+10     nan]");
        assert_eq!(text(&[3], vec![f64::NAN, f64::NEG_INFINITY, 0.0]), "[ nan -inf   0.]");
    }

    #[test]
    fn ints_bools_and_complex() {
        assert_eq!(text(&[2, 2], vec![1i64, -20, 300, 4]), "[[  1 -20]\n [300   4]]");
        assert_eq!(text(&[3], vec![true, false, true]), "[ True False  True]");
        let c = num_complex::Complex::new;
        assert_eq!(text(&[2], vec![c(1.0f64, 2.0), c(3.5, -1.0)]), "[1. +2.j 3.5-1.j]");
    }

    #[test]
    fn zero_d_prints_the_scalar() {
        assert_eq!(text(&[], vec![1.5f64]), "1.5");
        assert_eq!(text(&[], vec![2.0f32]), "2.0");
        assert_eq!(text(&[], vec![1e16f64]), "1e+16");
        assert_eq!(text(&[], vec![true]), "True");
        assert_eq!(text(&[], vec![num_complex::Complex::new(1.0f64, -2.0)]), "(1-2j)");
    }

    #[test]
    fn long_arrays_are_summarised_and_wrapped() {
        let a = text(&[2000], (0..2000).collect::<Vec<i32>>());
        assert_eq!(a, "[   0    1    2 ... 1997 1998 1999]");
        let wrapped = text(&[30], (0..30).collect::<Vec<i32>>());
        assert_eq!(
            wrapped,
            "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n 24 25 26 27 28 29]"
        );
    }
}
