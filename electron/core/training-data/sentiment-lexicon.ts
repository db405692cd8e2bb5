/** A small sentiment lexicon (lower-case words). Documented in docs/training-data.md. */
export const POSITIVE_WORDS = new Set(
  'good great excellent amazing awesome love loved lovely like liked nice happy glad pleased perfect best better fantastic wonderful helpful easy fast clean correct success successful works working fine satisfied recommend brilliant superb enjoy enjoyed positive thanks thank useful reliable'.split(' '),
);
export const NEGATIVE_WORDS = new Set(
  'bad terrible awful horrible hate hated dislike poor worse worst broken bug buggy crash crashed crashes slow fail failed failure fails error wrong angry sad disappointed disappointing useless annoying problem problems issue issues negative refund complaint unhappy unreliable difficult hard'.split(' '),
);
