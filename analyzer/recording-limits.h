/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Recording options that hide what the analysis looks for: uftrace's -e
 * (no return values), -D (a depth limit) and --max-stack, read from info.
 */
#ifndef AU_RECORDING_LIMITS_H
#define AU_RECORDING_LIMITS_H

#include "uftrace-data.h"

/** The -D/--depth given on uftrace's command line, 0 if none. */
long au_recording_depth_limit(const struct au_data_info *info);
/** The --max-stack of the recording when under uftrace's default (calls
 *  deeper than it were not recorded), else 0. */
long au_recording_stack_limit(const struct au_data_info *info);
/** Warn (once each, on stderr) about the options that limit the analysis
 *  of the recording in @dir. */
void au_recording_limits_warn(const char *dir, const struct au_data_info *info);

#endif /* AU_RECORDING_LIMITS_H */
