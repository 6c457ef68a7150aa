//! What the two readers over a whole message in memory (JSON text, msgpack bytes) share,
//! beside their own syntax: a copy for a look ahead, recovery by going back in the input, a
//! union memo keyed by position, and lists and maps whose elements and values, once found,
//! are read alike. Written once here as macros that fill in trait methods, so that each
//! reader and accessor keeps its own type and every call stays static and inlined.

/// The [`Reader`](super::Reader) methods of a reader over its whole input, with fields
/// `validation` and `unions` (its union memo) and methods `skip_value` and `position`, which
/// is `Clone` and [`Rewind`](super::read::Rewind).
macro_rules! whole_input_reader {
    () => {
        #[inline]
        fn skip(&mut self) -> Result<(), Error> {
            self.skip_value()
        }

        #[inline]
        fn lookahead(&self) -> Option<Self> {
            Some(self.clone())
        }

        #[inline]
        fn validation(&self) -> crate::codec::Validation {
            self.validation
        }

        #[inline]
        fn set_validation(&mut self, validation: crate::codec::Validation) {
            self.validation = validation;
        }

        #[inline]
        fn union_memo(&mut self) -> Option<(crate::codec::UnionMemo, u64)> {
            Some((self.unions.get(), self.position() as u64))
        }

        #[cold]
        fn recover(&mut self, mark: Mark, error: Error) -> Result<Error, Error> {
            crate::codec::recover_in_place(self, mark, error)
        }
    };
}

/// [`SeqAccess::next_element`](super::SeqAccess::next_element) and
/// [`try_next_element`](super::SeqAccess::try_next_element) for an accessor with fields
/// `reader` and `index` and a method `advance` (whether an element follows, having consumed
/// what comes before it): the element at `index` is read, its error located there.
macro_rules! seq_elements {
    ($de:lifetime) => {
        #[inline]
        fn next_element<T: Decode<$de>>(&mut self) -> Result<Option<T>, Error> {
            if !self.advance()? {
                return Ok(None);
            }
            let index = self.index;
            self.index += 1;
            T::decode(self.reader).map(Some).map_err(|e| e.at_index(index))
        }

        #[inline]
        fn try_next_element<T: Decode<$de>>(
            &mut self,
            check: impl FnOnce(&T) -> Result<(), Error>,
        ) -> Result<Option<T>, Error> {
            if !self.advance()? {
                return Ok(None);
            }
            let index = self.index;
            self.index += 1;
            try_decode(self.reader, false, T::decode, check).map(Some).map_err(|error| error.at_index(index))
        }
    };
}

/// [`MapAccess::next_value`](super::MapAccess::next_value),
/// [`try_next_value`](super::MapAccess::try_next_value) and
/// [`skip_value`](super::MapAccess::skip_value) for an accessor with fields `reader` and
/// `pending_value` (a key was read and its value not yet, which the accessor skips if it is
/// left unread).
macro_rules! map_values {
    ($de:lifetime) => {
        #[inline]
        fn next_value<V: Decode<$de>>(&mut self) -> Result<V, Error> {
            self.pending_value = false;
            V::decode(self.reader)
        }

        #[inline]
        fn try_next_value<V: Decode<$de>>(
            &mut self,
            strict: bool,
            check: impl FnOnce(&V) -> Result<(), Error>,
        ) -> Result<V, Error> {
            self.pending_value = false;
            try_decode(self.reader, strict, V::decode, check)
        }

        #[inline]
        fn skip_value(&mut self) -> Result<(), Error> {
            self.pending_value = false;
            self.reader.skip_value()
        }

        #[inline]
        fn value_ahead(&self) -> Option<Self::Ahead> {
            self.pending_value.then(|| self.reader.clone())
        }
    };
}

pub(crate) use {map_values, seq_elements, whole_input_reader};
