// SPDX-License-Identifier: GPL-2.0-or-later
/* Demangling (libiberty) and labels: v0 and legacy Rust, C++, C. */
#include <stdlib.h>

#include "asym.h"
#include "asym-internal.h"
#include "unittest.h"

static int check(const char *sym, const char *want)
{
	char *got = asym_demangle(sym);
	int ok = got && !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "  %s -> %s, want %s\n", sym, got ? got : "(null)", want);
	free(got);
	return ok;
}

TEST(v0_names_lose_their_crate_hashes)
{
	TEST_TRUE(check("_RNvCs2mtZ8SBwOaa_4demo7my_test", "demo::my_test"));
	TEST_TRUE(check("_RNCNvCs74zNtWPgrxf_2t17my_test0B3_", "t1::my_test::{closure#0}"));
	TEST_TRUE(check("_RNvXs_Cs5L7yU416ZU9_10handfutureNtB4_9CountdownNtNtNtCsgEmfK2I1SDS_4core6future6future6Future4poll",
			"<handfuture::Countdown as core::future::future::Future>::poll"));
	/* crate hashes inside generic arguments and back references too */
	TEST_TRUE(check("_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeNCNvCs2mtZ8SBwOaa_4demo7my_test0EBK_",
			"core::ptr::drop_in_place::<demo::my_test::{closure#0}>"));
	TEST_TRUE(check("_RNCNvNvCs2mtZ8SBwOaa_4demo4main4main0B5_",
			"demo::main::main::{closure#0}"));
	return TEST_OK;
}

TEST(legacy_names_lose_their_hash_suffix)
{
	TEST_TRUE(check("_ZN2t17my_test28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE",
			"t1::my_test::{{closure}}"));
	TEST_TRUE(check("_ZN4core3ptr13drop_in_place17h5b5b5eb11e1c2e43E", "core::ptr::drop_in_place"));
	/* from the seed example built with legacy mangling */
	TEST_TRUE(check("_ZN4demo7my_test28_$u7b$$u7b$closure$u7d$$u7d$17hf02b978586cbe83aE",
			"demo::my_test::{{closure}}"));
	TEST_TRUE(check("_ZN4core3ptr63drop_in_place$LT$demo..my_test..$u7b$$u7b$closure$u7d$$u7d$$GT$17h7d376b6cf79f67bcE",
			"core::ptr::drop_in_place<demo::my_test::{{closure}}>"));
	return TEST_OK;
}

TEST(cpp_demangles_and_c_is_not_mangled)
{
	TEST_TRUE(check("_ZN2ns3fooEi", "ns::foo(int)"));
	TEST_TRUE(check("_ZNSt6vectorIiSaIiEE9push_backERKi",
			"std::vector<int, std::allocator<int> >::push_back(int const&)"));
	TEST_TRUE(asym_demangle("main") == NULL);
	TEST_TRUE(asym_demangle("") == NULL);
	TEST_TRUE(asym_demangle(NULL) == NULL);
	return TEST_OK;
}

static int label_is(char *got, const char *want)
{
	int ok = got && !strcmp(got, want);

	if (!ok)
		fprintf(stderr, "  label %s, want %s\n", got ? got : "(null)", want);
	free(got);
	return ok;
}

/* A stream's future names its stream, seen through Pin/&mut/Box, as the
 * poll function's label and as the awaitee's (DWARF's type name) alike. */
TEST(stream_futures_name_their_stream)
{
	TEST_TRUE(label_is(asym_label_of("<futures_util::stream::stream::next::Next<"
					 "futures_channel::mpsc::Receiver<u64>> as "
					 "core::future::future::Future>::poll",
					 ASYM_ROLE_FUTURE_IMPL, 0),
			   "<futures_util::stream::stream::next::Next<"
			   "futures_channel::mpsc::Receiver> as Future>"));
	TEST_TRUE(label_is(asym_awaitee_label("futures_util::stream::stream::next::Next<"
					      "futures_channel::mpsc::Receiver<u64>>"),
			   "<futures_util::stream::stream::next::Next<"
			   "futures_channel::mpsc::Receiver> as Future>"));
	TEST_TRUE(label_is(asym_awaitee_label("futures_util::stream::stream::next::Next<core::pin::"
					      "Pin<&mut futures_util::stream::unfold::Unfold<u64, "
					      "a::f::{closure_env#0}, fn(u64) -> a::g>>>"),
			   "<futures_util::stream::stream::next::Next<"
			   "futures_util::stream::unfold::Unfold> as Future>"));
	TEST_TRUE(label_is(asym_awaitee_label("futures_util::stream::stream::collect::Collect<"
					      "futures_util::stream::stream::buffer_unordered::"
					      "BufferUnordered<futures_util::stream::stream::map::Map<"
					      "futures_util::stream::iter::Iter<core::array::iter::"
					      "IntoIter<u64, 4>>, fn(u64) -> a::fetch::{async_fn_env#0}>>, "
					      "alloc::vec::Vec<u64, alloc::alloc::Global>>"),
			   "<futures_util::stream::stream::collect::Collect<futures_util::stream::"
			   "stream::buffer_unordered::BufferUnordered> as Future>"));
	/* tokio-stream's, and a type named Stream in no stream module: as before */
	TEST_TRUE(label_is(asym_awaitee_label("tokio_stream::stream_ext::next::Next<"
					      "tokio_stream::wrappers::mpsc_bounded::ReceiverStream<u8>>"),
			   "<tokio_stream::stream_ext::next::Next<"
			   "tokio_stream::wrappers::mpsc_bounded::ReceiverStream> as Future>"));
	TEST_TRUE(label_is(asym_awaitee_label("app::stream<u8>"), "<app::stream as Future>"));
	TEST_TRUE(label_is(asym_awaitee_label("tokio::sync::oneshot::Receiver<u64>"),
			   "<tokio::sync::oneshot::Receiver as Future>"));
	TEST_TRUE(label_is(asym_label_of("<tokio::runtime::task::join::JoinHandle<u64> as "
					 "core::future::future::Future>::poll",
					 ASYM_ROLE_FUTURE_IMPL, 0),
			   "<tokio::runtime::task::join::JoinHandle as Future>"));
	/* a blocking-pool task names the function whose closure it runs */
	TEST_TRUE(label_is(asym_label_of("<tokio::runtime::blocking::task::BlockingTask<tokio::fs::"
					 "write::write<&std::path::PathBuf, alloc::vec::Vec<u8>>::"
					 "{closure#0}::{closure#0}> as core::future::future::Future>"
					 "::poll",
					 ASYM_ROLE_FUTURE_IMPL, 0),
			   "<tokio::runtime::blocking::task::BlockingTask<tokio::fs::write::write> "
			   "as Future>"));
	TEST_TRUE(label_is(asym_label_of("<tokio::runtime::blocking::task::BlockingTask<app::main::"
					 "{async_block#0}::{closure#1}> as core::future::future::"
					 "Future>::poll",
					 ASYM_ROLE_FUTURE_IMPL, 0),
			   "<tokio::runtime::blocking::task::BlockingTask<app::main::{async_block#0}> "
			   "as Future>"));
	/* the blocking crate's unblock: its closure's function */
	TEST_TRUE(label_is(asym_label_of("blocking::unblock::<core::result::Result<alloc::vec::"
					 "Vec<u8>, std::io::error::Error>, async_std::fs::read::"
					 "read<&std::path::PathBuf>::{closure#0}::{closure#0}>::"
					 "{closure#0}",
					 ASYM_ROLE_ASYNC_BLOCK, 0),
			   "blocking::unblock<async_std::fs::read::read>"));
	TEST_TRUE(label_is(asym_label_of("blocking::unblock::{closure#0}", ASYM_ROLE_ASYNC_BLOCK, 0),
			   "blocking::unblock::{async_block#0}"));
	return TEST_OK;
}

/* An async closure's body: the closure's path, its body's segment and the
 * closure-kind generic gone; a name that is no closure's body: none. */
TEST(async_closure_labels)
{
	TEST_TRUE(label_is(asym_async_closure_label("app::main::{closure#0}::{closure#1}::"
						    "{closure#0}::<i16>"),
			   "app::main::{closure#0}::{async_closure#1}"));
	TEST_TRUE(label_is(asym_async_closure_label("app::run::{closure#2}::{closure#0}<i32>"),
			   "app::run::{async_closure#2}"));
	TEST_TRUE(asym_async_closure_label("app::run::{closure#0}") == NULL);
	TEST_TRUE(asym_async_closure_label("app::run") == NULL);
	return TEST_OK;
}

TEST(role_names)
{
	TEST_STREQ(asym_role_name(ASYM_ROLE_ASYNC_FN), "async_fn");
	TEST_STREQ(asym_role_name(ASYM_ROLE_FUTURE_IMPL), "future_impl");
	TEST_STREQ(asym_role_name(ASYM_ROLE_WAKE_BY_REF), "wake_by_ref");
	TEST_STREQ(asym_strerror(ASYM_ERR_NOT_ELF), "not an ELF file");
	return TEST_OK;
}

TEST_MAIN()
