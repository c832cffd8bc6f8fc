# The reference experiment (lawful demo) as a user's equations: four damped pendulums,
# small angles, every pair coupled through a spring, seen only through the sum of their
# angles. Unknown: each pendulum's natural frequency w and damping g, the six couplings,
# and the eight initial states (free: no `init` lines).
#
#   lawful fit demo.csv --model equation --equation examples/coupled-pendulums.eq --train-until 10
#
# The guesses spread the four frequencies over the band the data's spectrum shows; the
# fit's extra starts draw others within the bounds.
param w1 = 1.0 in [0.2, 5]
param w2 = 1.6 in [0.2, 5]
param w3 = 2.2 in [0.2, 5]
param w4 = 2.8 in [0.2, 5]
param g1 = 0.05 in [0, 1]
param g2 = 0.05 in [0, 1]
param g3 = 0.05 in [0, 1]
param g4 = 0.05 in [0, 1]
param k12 = 0.1 in [0, 1]
param k13 = 0.1 in [0, 1]
param k14 = 0.1 in [0, 1]
param k23 = 0.1 in [0, 1]
param k24 = 0.1 in [0, 1]
param k34 = 0.1 in [0, 1]
x1'' = -w1^2*x1 - g1*x1' + k12*(x2 - x1) + k13*(x3 - x1) + k14*(x4 - x1)
x2'' = -w2^2*x2 - g2*x2' + k12*(x1 - x2) + k23*(x3 - x2) + k24*(x4 - x2)
x3'' = -w3^2*x3 - g3*x3' + k13*(x1 - x3) + k23*(x2 - x3) + k34*(x4 - x3)
x4'' = -w4^2*x4 - g4*x4' + k14*(x1 - x4) + k24*(x2 - x4) + k34*(x3 - x4)
observe y = x1 + x2 + x3 + x4
