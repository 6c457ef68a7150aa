//! The storage of an owned array ([`NdArray`](super::NdArray)): elements of its own, or a part
//! of a received message that it shares with the message's other arrays. Shared memory is
//! copied on write: an array that is the message's only holder is written in place.

use std::borrow::Cow;
use std::sync::Arc;

use crate::element::Element;
use crate::msgpack::{AlignedBytes, ByteOwner, Piece};

/// Where an [`NdArray`](super::NdArray)'s elements live: a vector of its own, or a part of the
/// aligned buffer of the message it was decoded from ([`msgpack::from_shared`]), shared, not
/// copied. Either way it is owned: it lives as long as the array, and writing to a shared
/// array copies it first unless nothing else holds the buffer (copy on write).
///
/// Its own elements are shared too, by [`Clone`] and by an encoding that sends them as a piece
/// of their own ([`msgpack::to_pieces`]); [`NdArray::into_vec`](super::ArrayBase::into_vec)
/// moves out the vector an array was made from when nothing else holds it.
///
/// [`msgpack::from_shared`]: crate::msgpack::from_shared
/// [`msgpack::to_pieces`]: crate::msgpack::to_pieces
#[derive(Clone)]
pub struct OwnedData<T> {
    repr: Repr<T>,
}

#[derive(Clone)]
enum Repr<T> {
    /// Elements of its own; `None` for none, which takes no allocation. (Two variants keep
    /// the storage as small as a `Vec`: the second's pointer tells them apart.)
    Vec(Option<Arc<Vec<T>>>),
    /// `len` elements of `body` from byte `start`, which is aligned for `T` (checked when made).
    Shared { body: Arc<AlignedBytes>, start: usize, len: usize },
}

impl<T> OwnedData<T> {
    /// No elements.
    pub(crate) const EMPTY: Self = OwnedData { repr: Repr::Vec(None) };
}

impl<T> Default for OwnedData<T> {
    fn default() -> Self {
        OwnedData::EMPTY
    }
}

impl<T: Element> OwnedData<T> {
    /// Elements of its own.
    #[inline]
    pub(crate) fn from_vec(elements: Vec<T>) -> Self {
        let elements = (elements.capacity() > 0).then(|| Arc::new(elements));
        OwnedData { repr: Repr::Vec(elements) }
    }

    /// The elements `elements`, which the caller read from `body`: shared when they lie inside
    /// it (borrowed, aligned, native order), else elements of their own.
    #[inline]
    pub(crate) fn in_body(elements: Cow<'_, [T]>, body: &Arc<AlignedBytes>) -> Self {
        if let Cow::Borrowed(slice) = elements
            && T::SHARES_BYTES
            && let Some(start) = body.offset_of(bytemuck::cast_slice(slice))
        {
            return OwnedData { repr: Repr::Shared { body: Arc::clone(body), start, len: slice.len() } };
        }
        Self::from_vec(elements.into_owned())
    }

    /// The elements in C order.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        match &self.repr {
            Repr::Vec(Some(elements)) => elements,
            Repr::Vec(None) => &[],
            Repr::Shared { body, start, len } => T::slice_from_bytes(&body[*start..*start + *len * size_of::<T>()]),
        }
    }

    /// The elements, writable: in place when nothing else holds them, else copied first.
    #[inline]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if let Repr::Shared { body, .. } = &mut self.repr
            && Arc::get_mut(body).is_none()
        {
            self.repr = Repr::Vec(Some(Arc::new(self.as_slice().to_vec())));
        }
        match &mut self.repr {
            Repr::Vec(Some(elements)) => Arc::make_mut(elements).as_mut_slice(),
            Repr::Vec(None) => &mut [],
            Repr::Shared { body, start, len } => {
                let body = Arc::get_mut(body).expect("a shared body held elsewhere was copied above");
                T::slice_from_bytes_mut(&mut body.as_mut_bytes()[*start..*start + *len * size_of::<T>()])
            }
        }
    }

    /// The elements as a vector: moved out when nothing else holds it, else copied.
    pub(crate) fn into_vec(self) -> Vec<T> {
        match self.repr {
            Repr::Vec(Some(elements)) => Arc::try_unwrap(elements).unwrap_or_else(|shared| shared.as_ref().clone()),
            Repr::Vec(None) => Vec::new(),
            Repr::Shared { .. } => self.as_slice().to_vec(),
        }
    }

    /// Whether the elements are a part of a received message's buffer.
    pub(crate) fn is_shared_body(&self) -> bool {
        matches!(self.repr, Repr::Shared { .. })
    }

    /// The elements' memory as a piece of an encoded message, shared, not copied (`None` for
    /// no elements).
    #[inline]
    pub(crate) fn share(&self) -> Option<Piece> {
        Some(match &self.repr {
            Repr::Vec(None) => return None,
            Repr::Vec(Some(elements)) => {
                let len = elements.len() * size_of::<T>();
                Piece::shared(Arc::clone(elements) as Arc<dyn ByteOwner>, 0..len)
            }
            Repr::Shared { body, start, len } => {
                Piece::shared(Arc::clone(body) as Arc<dyn ByteOwner>, *start..*start + *len * size_of::<T>())
            }
        })
    }
}

impl<T: Element> PartialEq for OwnedData<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_small_as_a_vec() {
        assert_eq!(size_of::<OwnedData<f32>>(), size_of::<Vec<f32>>());
        assert_eq!(size_of::<OwnedData<num_complex::Complex<f64>>>(), size_of::<Vec<f32>>());
    }
}
