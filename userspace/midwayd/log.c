// SPDX-License-Identifier: GPL-2.0
/*
 * Logging to stderr. Under systemd (JOURNAL_STREAM set) each line starts
 * with its syslog priority, "<3>", which the journal turns into the
 * entry's level; elsewhere with a time stamp and the level's name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "midwayd.h"

int log_level = LOG_LVL_INFO;
static bool journal;

static const int prio[] = { 3, 4, 6, 7 };
static const char *const names[] = { "error", "warning", "info", "debug" };

void log_init(int level)
{
	log_level = level;
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_msg(int level, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (journal) {
		fprintf(stderr, "<%d>%s\n", prio[level], line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld midwayd %s: %s\n", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[level], line);
}
