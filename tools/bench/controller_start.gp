# SPDX-License-Identifier: GPL-2.0
#
# Draws tools/bench/controller_bench.sh's start-up runs: per run, the time
# from midwayd's start to its kernel holding the topology, stacked by phase.
#   gnuplot -e "dat='start.dat'; out='X.png'; ttl='TITLE'" controller_start.gp
# start.dat: "RUN EXEC_S ZK_READ_S KERNEL_S".

set terminal pngcairo size 800,480 font ",10"
set output out
set title ttl
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set ylabel "seconds"
set xlabel "run"
set yrange [0:*]
set grid ytics
set key outside bottom center horizontal
plot dat using 2:xtic(1) title "exec to first log line", \
     '' using 3 title "reading ZooKeeper (lists, 100k gets)", \
     '' using 4 title "kernel (dump, batch of NEW requests)"
