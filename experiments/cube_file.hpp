#pragma once
// The result cube on disk: HDF5, laid out as netCDF-4 so that
//   xarray.open_dataset(path, engine="h5netcdf")
// gives the cube's dimensions, coordinates and variables with their attributes.
//
// Layout, all in the root group, created in the cube's order (dimensions, then variables) with
// link creation order tracked (netCDF-4 asks for it; read_cube gets the order back from it):
// - one dataset per dimension, named after it: its coordinate values, contiguous, made an HDF5
//   dimension scale (H5DSset_scale, NAME = the dimension's name) with netCDF-C's _Netcdf4Dimid
//   (its index). Labels are variable-length UTF-8 strings (str in h5py/xarray), numbers float64,
//   times int64 with units "seconds since 1970-01-01 00:00:00", calendar "proleptic_gregorian"
//   (xarray decodes them to datetime64[ns]);
// - one dataset per variable: float64 with _FillValue NaN, int32 with HDF5 fill value kMissingI32
//   and no _FillValue attribute (xarray would decode the counts to float64 to put NaN in), or
//   text (variable-length UTF-8); its dimensions are the dimension scales attached to its axes,
//   in order (DIMENSION_LIST; h5netcdf and netCDF-C read them from there; there is no other
//   record of them). The auxiliary coordinates (Variable::coordinate) are contiguous, and every
//   other variable over all of one's dimensions names it in CF's `coordinates` attribute, so
//   xarray lists it among the coordinates; read_cube marks the variables so named. The others
//   are chunked, shuffled and deflated (level 4): as the variable's `chunk` says, or by
//   default chunks holding whole fastest dimensions, as many as fit in 1 MiB (HDF5's default
//   chunk cache), the next one cut to what fits, the slower ones 1. Scalars and variables with an
//   empty dimension are contiguous (HDF5 cannot chunk them). The writer shuffles and deflates the
//   chunks itself, in parallel, and hands them to HDF5 whole (H5Dwrite_chunk): the same bytes as
//   HDF5's own filters, which read them back. An external variable's chunks come filtered from a
//   ChunkSource; one it does not have is not written (it reads as the fill value);
// - attributes (cube, dimensions, variables) as scalar variable-length UTF-8 strings, plus the
//   global format = "shiftsim-cube" and format_version = 2 (int64, cube_layout.hpp), which xarray
//   shows too.
// The file format is HDF5 1.8's (libver bounds V18, whatever the library's version), so netCDF-4
// (ncdump), h5py and HDF5 >= 1.8 read it.
//
// Deterministic: the same Cube gives the same bytes (HDF5 object timestamps off, objects created
// in a fixed order, fixed chunk shapes, no file name inside), so a test can compare files byte for
// byte.
//
// Nothing lost: write_cube writes a temporary file beside `path` and renames it into place only
// when complete; an existing `path` is refused (IoError naming it and saying --force) unless
// `overwrite`. HDF5 is reached only through the HDF5 layer (grids/hdf5): every failing HDF5 call
// becomes an IoError naming the file and the object. The file's structure is built in memory and
// saved; its chunks are then appended on disk, into space reserved beforehand for as much as they
// can take (grids/hdf5/file.hpp), so a full disk is refused before they are written. Memory: the
// structure, one batch of chunks being compressed, and the cube's held values (the caller's).
//
// Thread-safety: any thread, one call at a time per path (the temporary name is per process); a
// thread-safe HDF5 (Debian's is) serialises the HDF5 calls.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include "experiments/cube.hpp"

namespace shiftsim::experiments {

// Where the chunks of a cube's external variables come from (the sweep's cell journal).
struct ChunkSource {
  // The filtered bytes of the chunk of variable `var` (its index in Cube::vars) at `origin` (in
  // values, a multiple of its chunk shape), valid until the next call; empty when it has none.
  std::function<std::span<const unsigned char>(std::size_t var,
                                               const std::vector<std::uint64_t>& origin)>
      chunk;
  std::uint64_t bytes = 0;  // at least the sum of the sizes of all the chunks it gives
};

// InternalError, before anything is written, for a cube that fails Cube::check() or sets an
// attribute the layout owns: CLASS, NAME, REFERENCE_LIST, DIMENSION_LIST, coordinates or a name
// starting with '_' (netCDF's: _FillValue, ...) on a dimension or variable; units or calendar on a
// Times dimension; format, format_version or a name starting with '_' on the cube. IoError when
// `path` exists and !overwrite, or when writing fails (names HDF5 cannot hold, such as "a/b", fail
// here). A cube with external variables needs `source` (InternalError without).
void write_cube(const Cube& cube, const std::filesystem::path& path, bool overwrite,
                const ChunkSource* source = nullptr);
// Reads a cube written by write_cube (for tests, merge and resume), equal to it field by field.
// Coordinates: strings -> Labels, float64 -> Numbers, int64 with the units above -> Times.
// A cube of another format version is refused (IoError) saying which it is and what to do.
// Attributes: the scalar string ones, without those the layout owns (above). IoError naming the
// path if it is missing, not HDF5, not a cube (no format attribute) or not a consistent one.
Cube read_cube(const std::filesystem::path& path);

}  // namespace shiftsim::experiments
