# The reference experiment (lawful demo) as a user's equations: four damped pendulums,
# small angles, every pair coupled through a spring, seen only through the sum of their
# angles. Unknown: each pendulum's natural frequency w and damping g, the six couplings,
# and the eight initial states (free: no `init` lines).
#
#   lawful fit demo.csv --model equation --equation examples/coupled-pendulums.eq --train-until 10 \
#     --config '{"equation": {"statesFirst": true}}'
#
# The guesses come from the data's spectrum, not from the true system: the normal modes that
# `lawful fit demo.csv --model oscillator-bank --train-until 10` reports (results.json,
# models[0].describe.modes, and index.html: frequency 1.24, 1.71,
# 2.26, 2.93; decay about 0.022 each). With weak springs each pendulum carries one mode, so
# w_i starts at a mode's frequency and g_i at twice its decay; the springs start weak (0.01).
# One summed channel cannot tell weak springs and shifted w from the true ones (the fit names
# those combinations); the modes, and so the forecast, are what it determines.
param w1 = 1.24 in [0.2, 5]
param w2 = 1.71 in [0.2, 5]
param w3 = 2.26 in [0.2, 5]
param w4 = 2.93 in [0.2, 5]
param g1 = 0.044 in [0, 1]
param g2 = 0.044 in [0, 1]
param g3 = 0.044 in [0, 1]
param g4 = 0.044 in [0, 1]
param k12 = 0.01 in [0, 1]
param k13 = 0.01 in [0, 1]
param k14 = 0.01 in [0, 1]
param k23 = 0.01 in [0, 1]
param k24 = 0.01 in [0, 1]
param k34 = 0.01 in [0, 1]
x1'' = -w1^2*x1 - g1*x1' + k12*(x2 - x1) + k13*(x3 - x1) + k14*(x4 - x1)
x2'' = -w2^2*x2 - g2*x2' + k12*(x1 - x2) + k23*(x3 - x2) + k24*(x4 - x2)
x3'' = -w3^2*x3 - g3*x3' + k13*(x1 - x3) + k23*(x2 - x3) + k34*(x4 - x3)
x4'' = -w4^2*x4 - g4*x4' + k14*(x1 - x4) + k24*(x2 - x4) + k34*(x3 - x4)
observe y = x1 + x2 + x3 + x4
