//! Arrays against real numpy, both directions: for every dtype in both byte orders, 0-d,
//! empty, 3-d, wrapped and summarised shapes, the same bytes, dtype names, text and repr.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chainmodel::{AnyArray, ByteOrder, ChainModel, Complex, DType, Element, NdArray, NdArrayView, ScalarType, f16};
use serde_json::{Value, json};

fn b64(text: &Value) -> Vec<u8> {
    STANDARD.decode(text.as_str().expect("a base64 string")).expect("valid base64")
}

fn shape(value: &Value) -> Vec<usize> {
    value.as_array().expect("a shape list").iter().map(|d| d.as_u64().expect("a dim") as usize).collect()
}

/// The typed side of one numpy case: `to_typed`, `NdArrayView` and `NdArray` text.
fn check_typed<T: Element>(any: &AnyArray, case: &Value, where_: &str) {
    let typed: NdArray<T> = any.to_typed().unwrap_or_else(|e| panic!("{where_}: {e}"));
    assert_eq!(
        bytemuck::cast_slice::<T, u8>(typed.as_slice()),
        &b64(&case["native_b64"])[..],
        "{where_}: native bytes"
    );
    assert_eq!(typed.shape(), any.shape(), "{where_}");
    assert_eq!(typed.to_string(), case["text"].as_str().unwrap(), "{where_}: typed text");
    let view = NdArrayView::<T>::from_bytes(any.dtype(), any.shape().to_vec(), any.as_bytes())
        .unwrap_or_else(|e| panic!("{where_}: {e}"));
    // Bytes, not values: NaN is not equal to itself.
    let bytes = |data: &[T]| bytemuck::cast_slice::<T, u8>(data).to_vec();
    assert_eq!(bytes(view.as_slice()), bytes(typed.as_slice()), "{where_}: view");
    let back = AnyArray::from(view.into_owned()).to_typed::<T>().unwrap();
    assert_eq!(
        (back.shape(), bytes(back.as_slice())),
        (typed.shape(), bytes(typed.as_slice())),
        "{where_}: round trip"
    );
}

fn check_typed_dispatch(any: &AnyArray, case: &Value, where_: &str) {
    match any.dtype().scalar_type() {
        ScalarType::Bool => check_typed::<bool>(any, case, where_),
        ScalarType::U8 => check_typed::<u8>(any, case, where_),
        ScalarType::I8 => check_typed::<i8>(any, case, where_),
        ScalarType::U16 => check_typed::<u16>(any, case, where_),
        ScalarType::I16 => check_typed::<i16>(any, case, where_),
        ScalarType::U32 => check_typed::<u32>(any, case, where_),
        ScalarType::I32 => check_typed::<i32>(any, case, where_),
        ScalarType::U64 => check_typed::<u64>(any, case, where_),
        ScalarType::I64 => check_typed::<i64>(any, case, where_),
        ScalarType::F16 => check_typed::<f16>(any, case, where_),
        ScalarType::F32 => check_typed::<f32>(any, case, where_),
        ScalarType::F64 => check_typed::<f64>(any, case, where_),
        ScalarType::Complex64 => check_typed::<Complex<f32>>(any, case, where_),
        ScalarType::Complex128 => check_typed::<Complex<f64>>(any, case, where_),
    }
}

#[test]
fn rust_rebuilds_numpy_arrays() {
    let Some(python) = common::anchor_python("rust_rebuilds_numpy_arrays") else { return };
    let out = common::run_script(&python, "array_cases.py", &["emit"], b"");
    let cases: Value = serde_json::from_str(&out).expect("the script prints JSON");
    let arrays = cases["arrays"].as_array().expect("a list of arrays");
    let mut seen = std::collections::HashSet::new();
    for (n, case) in arrays.iter().enumerate() {
        let protocol = case["protocol"].as_str().unwrap();
        let where_ = format!("case {n} ({protocol}, shape {})", case["shape"]);
        let dtype: DType = protocol.parse().unwrap_or_else(|e| panic!("{where_}: {e}"));
        assert_eq!(case["dtype_str"].as_str().unwrap().parse::<DType>().unwrap(), dtype, "{where_}: str(dtype)");
        assert_eq!(dtype.to_string(), case["dtype_str"].as_str().unwrap(), "{where_}: str(dtype)");
        assert_eq!(dtype.array_protocol(), protocol, "{where_}: dtype.str");
        let any = AnyArray::from_bytes(dtype, shape(&case["shape"]), b64(&case["data_b64"]))
            .unwrap_or_else(|e| panic!("{where_}: {e}"));
        assert_eq!(any.to_string(), case["text"].as_str().unwrap(), "{where_}: str(arr)");
        let repr = case["field_repr"].as_str().unwrap().replacen("NumpyArrayField(", "AnyArray(", 1);
        assert_eq!(format!("{any:?}"), repr, "{where_}: repr");
        check_typed_dispatch(&any, case, &where_);
        seen.insert((dtype.scalar_type().name(), dtype.byte_order(), any.ndim().min(3), any.is_empty()));
    }
    // Every type in both orders, with 0-d, empty and 3-d arrays, was covered.
    for t in ScalarType::ALL {
        let orders: &[ByteOrder] =
            if t.has_byte_order() { &[ByteOrder::Little, ByteOrder::Big] } else { &[ByteOrder::NATIVE] };
        for &order in orders {
            for (ndim, empty) in [(0, false), (1, true), (3, true), (3, false)] {
                assert!(
                    seen.contains(&(t.name(), order, ndim, empty)),
                    "{t} {order:?} ndim {ndim} empty {empty} not covered"
                );
            }
        }
    }
    eprintln!("interop: Rust rebuilt {} numpy arrays", arrays.len());
}

#[test]
fn rust_reads_numpy_dtype_spellings() {
    // numpy spellings chainmodel does not read: typecodes and C names, never on the wire.
    const NOT_READ: [&str; 7] = ["?", "d", "double", "e", "F", "single", "half"];
    let Some(python) = common::anchor_python("rust_reads_numpy_dtype_spellings") else { return };
    let out = common::run_script(&python, "array_cases.py", &["emit"], b"");
    let cases: Value = serde_json::from_str(&out).expect("the script prints JSON");
    for case in cases["dtype_spellings"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let supported_by_numpy = case["protocol"].as_str().is_some_and(|p| p.parse::<DType>().is_ok());
        match DType::parse(text) {
            Ok(dtype) => {
                assert_eq!(Some(dtype.to_string().as_str()), case["str"].as_str(), "{text}: str(dtype)");
                assert_eq!(Some(dtype.array_protocol().as_str()), case["protocol"].as_str(), "{text}: dtype.str");
            }
            Err(e) => {
                assert!(
                    !supported_by_numpy || NOT_READ.contains(&text),
                    "{text}: numpy reads it as {}, we say {e}",
                    case["str"]
                );
                assert_eq!(e.to_string(), format!("unsupported dtype '{text}'"));
            }
        }
    }
}

/// A deterministic byte stream, so that Rust's cases need no dependency.
struct Bytes(u64);

impl Bytes {
    fn take(&mut self, n: usize) -> Vec<u8> {
        (0..n)
            .map(|_| {
                self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (self.0 >> 33) as u8
            })
            .collect()
    }
}

fn describe(array: &AnyArray) -> Value {
    json!({
        "dtype_str": array.dtype().to_string(),
        "protocol": array.dtype().array_protocol(),
        "shape": array.shape(),
        "data_b64": STANDARD.encode(array.as_bytes()),
        "text": array.to_string(),
        "field_repr": format!("{array:?}").replacen("AnyArray(", "NumpyArrayField(", 1),
    })
}

#[test]
fn numpy_rebuilds_rust_arrays() {
    let Some(python) = common::anchor_python("numpy_rebuilds_rust_arrays") else { return };
    let shapes: [&[usize]; 7] = [&[], &[0], &[2, 0, 3], &[2, 3, 4], &[5], &[3, 40], &[2, 3, 400]];
    let mut random = Bytes(7);
    let mut cases = Vec::new();
    for t in ScalarType::ALL {
        for order in [ByteOrder::Little, ByteOrder::Big] {
            let dtype = DType::new(t, order);
            for shape in shapes {
                let len = chainmodel::element_count(shape).unwrap() * t.itemsize();
                let mut data = random.take(len);
                if t == ScalarType::Bool {
                    data.iter_mut().for_each(|b| *b &= 1);
                }
                cases.push(describe(&AnyArray::from_bytes(dtype, shape.to_vec(), data).unwrap()));
            }
        }
    }
    // Typed arrays of ordinary magnitudes, through `From<NdArray<T>>`.
    let floats: Vec<f64> = (0..24).map(|i| f64::from(i) * 0.37 - 3.0).collect();
    cases.push(describe(&NdArray::from_shape_vec(vec![2, 3, 4], floats.clone()).unwrap().into()));
    let singles: Vec<f32> = floats.iter().map(|&x| x as f32 * 1e-3).collect();
    cases.push(describe(&NdArray::from_shape_vec(vec![4, 6], singles).unwrap().into()));
    let halves: Vec<f16> = floats.iter().map(|&x| f16::from_f64(x * 7.0)).collect();
    cases.push(describe(&NdArray::from_vec(halves).into()));
    let complex: Vec<Complex<f64>> = floats.iter().map(|&x| Complex::new(x, -x / 3.0)).collect();
    cases.push(describe(&NdArray::from_shape_vec(vec![6, 4], complex).unwrap().into()));
    cases.push(describe(&NdArray::from_scalar(Complex::new(0.0f32, 2.5)).into()));
    cases.push(describe(&NdArray::from_scalar(f16::from_f32(0.1)).into()));

    let out = common::run_script(&python, "array_cases.py", &["check"], &serde_json::to_vec(&cases).unwrap());
    eprintln!("interop: {}", out.trim());
}

#[derive(ChainModel)]
struct AnyHolder {
    a: AnyArray,
}

#[derive(ChainModel)]
struct F64Holder {
    a: NdArray<f64>,
}

#[derive(ChainModel)]
struct F32Holder {
    a: NdArray<f32>,
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

/// In binary mode, NumpyArrayField's JSON form given as a dict (truss's msgpack of
/// `{"data_b64", "shape", "dtype"}`) is read as pydantic reads it, by `from_msgpack` as by
/// `from_value`, into every array type; a dict pydantic refuses is an error.
#[test]
fn binary_mode_reads_numpy_array_field_json_form_as_pydantic() {
    let Some(python) = common::anchor_python("binary_mode_reads_numpy_array_field_json_form_as_pydantic") else {
        return;
    };
    let out = common::run_script(&python, "array_cases.py", &["field-form"], b"");
    let cases: Value = serde_json::from_str(&out).expect("the script prints JSON");
    let (mut read, mut refused) = (0, 0);
    for case in cases.as_array().unwrap() {
        let packed = hex(case["msgpack"].as_str().unwrap());
        let where_ = format!("{}", case["form"]);
        let verdict = &case["pydantic"];
        let from_msgpack = AnyHolder::from_msgpack(&packed);
        let value: chainmodel::Value = chainmodel::msgpack::from_slice(&packed).unwrap();
        let from_value = chainmodel::value::from_value::<AnyHolder>(&value);
        if verdict.get("errors").is_some() {
            assert!(from_msgpack.is_err(), "{where_}: pydantic refuses it, from_msgpack reads it");
            assert!(from_value.is_err(), "{where_}: pydantic refuses it, from_value reads it");
            refused += 1;
            continue;
        }
        for (how, any) in [("from_msgpack", from_msgpack), ("from_value", from_value)] {
            let any = any.unwrap_or_else(|e| panic!("{where_}: {how}: {e}")).a;
            assert_eq!(any.dtype().array_protocol(), verdict["dtype"].as_str().unwrap(), "{where_}: {how}");
            assert_eq!(any.shape(), &shape(&verdict["shape"])[..], "{where_}: {how}");
            assert_eq!(any.as_bytes(), &b64(&verdict["data_b64"])[..], "{where_}: {how}");
        }
        let typed = AnyHolder::from_msgpack(&packed).unwrap().a;
        match typed.dtype().scalar_type() {
            ScalarType::F64 => {
                let a = F64Holder::from_msgpack(&packed).unwrap_or_else(|e| panic!("{where_}: {e}")).a;
                let expected = typed.to_typed::<f64>().unwrap();
                let bytes = |a: &NdArray<f64>| bytemuck::cast_slice::<f64, u8>(a.as_slice()).to_vec();
                assert_eq!((a.shape(), bytes(&a)), (expected.shape(), bytes(&expected)), "{where_}: NdArray<f64>");
            }
            ScalarType::F32 => {
                let a = F32Holder::from_msgpack(&packed).unwrap_or_else(|e| panic!("{where_}: {e}")).a;
                let expected = typed.to_typed::<f32>().unwrap();
                let bytes = |a: &NdArray<f32>| bytemuck::cast_slice::<f32, u8>(a.as_slice()).to_vec();
                assert_eq!((a.shape(), bytes(&a)), (expected.shape(), bytes(&expected)), "{where_}: NdArray<f32>");
            }
            _ => {}
        }
        read += 1;
    }
    assert!(read > 100 && refused >= 3, "{read} read, {refused} refused");
}
