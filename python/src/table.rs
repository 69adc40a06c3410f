//! Arrow tables handed to Python without a copy, through the Arrow PyCapsule interface
//! (`__arrow_c_stream__`, `__arrow_c_schema__`): polars, pyarrow, pandas and DuckDB read
//! the record batches' buffers in place.

use arrow_array::ffi::FFI_ArrowSchema;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::collections::HashMap;
use std::sync::Arc;

/// An Arrow table (record batches sharing one schema), exported zero-copy.
#[pyclass(module = "credsim", frozen)]
pub struct Table {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Table {
    /// A table of `batches` under `schema` with `metadata` added to the schema (the
    /// key-value pairs of the table's Parquet file).
    pub fn new(
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
        metadata: Vec<(String, String)>,
    ) -> Result<Table, ArrowError> {
        let schema = Arc::new(Schema::new_with_metadata(
            schema.fields().clone(),
            metadata.into_iter().collect::<HashMap<_, _>>(),
        ));
        let batches = batches
            .into_iter()
            .map(|b| b.with_schema(schema.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Table { schema, batches })
    }
}

#[pymethods]
impl Table {
    /// The Arrow C stream of the table's batches (PyCapsule `arrow_array_stream`). The
    /// requested schema is ignored: the table has one layout.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            self.schema.clone(),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The Arrow C schema (PyCapsule `arrow_schema`).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.schema.as_ref())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// Rows in all.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Columns.
    #[getter]
    fn num_columns(&self) -> usize {
        self.schema.fields().len()
    }

    /// Record batches the table is made of (one per chunk of persons).
    #[getter]
    fn num_batches(&self) -> usize {
        self.batches.len()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The schema's key-value metadata (credsim version, scenario, hash, seed).
    #[getter]
    fn metadata(&self) -> HashMap<String, String> {
        self.schema.metadata().clone().into()
    }

    fn __len__(&self) -> usize {
        self.num_rows()
    }

    fn __repr__(&self) -> String {
        let columns = self.column_names();
        let shown = columns
            .iter()
            .take(6)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if columns.len() > 6 { ", …" } else { "" };
        format!(
            "<credsim.Table: {} rows × {} columns ({shown}{more}); pl.DataFrame(t) or pa.table(t) reads it>",
            self.num_rows(),
            columns.len()
        )
    }
}
