// SPDX-License-Identifier: BSD-2-Clause
// expected.h - a value or a typed error, for code that must not throw.
//
// Every parser in this tree faces hostile input, and a failure there is the
// normal case, not an exceptional one.  Parsers therefore return
// Expected<T, E>: either the parsed T or an E that names what went wrong and
// where.  This is the subset of C++23 std::expected the project uses; when the
// tree moves to C++23 it can become an alias.
//
// Contract:
//   - has_value() / operator bool tell which one is held.
//   - value() and error() require the matching state (checked with assert in
//     debug builds; reading the wrong side is a programming error).
//   - Unexpected{e} builds the error side: `return Unexpected{Error{...}};`
//   - MIXTASY_TRY(name, expr) evaluates expr into `auto name` and returns
//     its error from the enclosing function if it failed; MIXTASY_CHECK(expr)
//     does the same for an Expected whose value is not needed.  The
//     enclosing function's error type must be constructible from expr's.
//     They replace the hand-written `if (!x) return Unexpected{x.error()};`,
//     not the places that translate or annotate an error (write those out).
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace mixtasy {

template <typename E>
struct Unexpected {
    E error;
};
template <typename E>
Unexpected(E) -> Unexpected<E>;

template <typename T, typename E>
class [[nodiscard]] Expected {
public:
    Expected(const T& v) : state_(std::in_place_index<0>, v) {}
    Expected(T&& v) : state_(std::in_place_index<0>, std::move(v)) {}
    template <typename G>
    Expected(Unexpected<G> u) : state_(std::in_place_index<1>, E(std::move(u.error))) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const {
        assert(!has_value());
        return std::get<1>(state_);
    }

private:
    std::variant<T, E> state_;
};

// Expected<void, E>: success carries nothing.
template <typename E>
class [[nodiscard]] Expected<void, E> {
public:
    Expected() = default;
    template <typename G>
    Expected(Unexpected<G> u) : error_(E(std::move(u.error))), failed_(true) {}

    bool has_value() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return has_value(); }
    const E& error() const {
        assert(failed_);
        return error_;
    }

private:
    E error_{};
    bool failed_ = false;
};

}  // namespace mixtasy

#define MIXTASY_TRY(name, expr)               \
    auto name = (expr);                       \
    if (!name) return ::mixtasy::Unexpected { \
            name.error()                      \
        }

#define MIXTASY_CHECK(expr)                                       \
    do {                                                          \
        if (auto mixtasy_check_ = (expr); !mixtasy_check_)        \
            return ::mixtasy::Unexpected{mixtasy_check_.error()}; \
    } while (false)
