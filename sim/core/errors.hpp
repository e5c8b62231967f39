#pragma once
// The one error policy of shiftsim (see CONTRIBUTING.md):
// - exceptions only for errors that stop the operation: the user's (bad input, options, files)
//   derived from shiftsim::Error, shiftsim's own (a bug) InternalError;
// - expected outcomes (a window past the end of the data, a missed deadline) are return values;
// - every message says what is wrong, where (file and line, key, or HDF5 path), and what to do.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shiftsim {

// Messages quote input text, which may hold any byte: a NUL would cut what() short, a carriage
// return or escape would garble the terminal. So every message is stored with control characters
// other than newline and tab escaped (\0, \r, \x1b).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what);
  explicit Error(const char* what) : Error(std::string(what)) {}
};
// The escaping Error applies: control characters but newline and tab as \0, \r or \xHH.
std::string escape_controls(std::string_view text);

// Bad content in an input file. line 0 means "the file as a whole".
class ParseError : public Error {
 public:
  ParseError(std::string file, std::size_t line, const std::string& what,
             const std::string& hint = {});
  const std::string& file() const noexcept { return file_; }
  std::size_t line() const noexcept { return line_; }

 private:
  std::string file_;
  std::size_t line_;
};

// A wrong option, configuration key or combination of arguments.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read or written, or an HDF5 call that failed (the message names the path).
class IoError : public Error {
 public:
  using Error::Error;
};

// The internal tier: a broken precondition or invariant inside shiftsim (a kernel called outside
// its contract, a scheduler breaking the engine's rules, a cube whose sizes disagree). A bug,
// never bad input: it is not a shiftsim::Error, so no caller mistakes it for a user's mistake;
// the command line reports it as an internal error and exits 3.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace shiftsim
