# SPDX-License-Identifier: GPL-2.0
#
# Draws tools/bench/controller_bench.sh's convergence: per host count, the
# distribution (CDF) of the time from the carrier change on the gateway to
# the route's new state in the last host's kernel (one point per trial),
# and dashed, every host's own time; carrier down and carrier up.
#   gnuplot -e "dir='D'; sizes='5 25'; out='X.png'; ttl='TITLE'" controller_conv.gp
# D/conv_N.PHASE.trials and .hosts: "MS FRACTION", sorted (controller_bench.sh).

set terminal pngcairo size 1200,500 font ",10"
set output out
set multiplot layout 1,2 title ttl font ",11"
set logscale x
set grid xtics ytics mxtics
set ylabel "fraction of trials (solid) / host events (dashed)"
set yrange [0:1.02]
set key bottom right
n = words(sizes)
do for [ph in "down up"] {
	set title sprintf("carrier %s on uplink1 (g1) -> route ACTIVE %s in every other kernel", ph, ph eq "down" ? "0" : "1")
	set xlabel "ms after the link change"
	plot for [i=1:n] sprintf("%s/conv_%s.%s.trials", dir, word(sizes, i), ph) \
		using 1:2 with lines lw 2 lc i title sprintf("%s hosts, all", word(sizes, i)), \
	     for [i=1:n] sprintf("%s/conv_%s.%s.hosts", dir, word(sizes, i), ph) \
		using 1:2 with lines lw 1 dt 2 lc i title sprintf("%s hosts, each", word(sizes, i))
}
unset multiplot
