/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One entry point per subcommand; each returns an exit code (utils.h). */
#ifndef AU_COMMANDS_H
#define AU_COMMANDS_H

int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_symbols(int argc, char **argv);
int cmd_record_options(int argc, char **argv);

#endif /* AU_COMMANDS_H */
