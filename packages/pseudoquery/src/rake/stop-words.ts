/**
 * The default RAKE stop list: English function words (articles, pronouns, prepositions,
 * conjunctions, auxiliary and modal verbs, common adverbs and quantifiers) plus a few light
 * verbs that carry no topic ("given", "used", "considered", ...). It plays the role of the
 * Fox (1989) stop list that Rose et al. (2010, sec. 1.2.1) used: words that split candidate
 * keywords. It is this project's own list (315 words), kept short on purpose: RAKE's
 * candidates get longer and more specific with fewer stop words.
 *
 * Every entry is lowercase; matching is on the lowercased word. Pass your own list to
 * `rakeKeywords` / `rakeSource` with the `stopWords` option.
 */
export const RAKE_STOP_WORDS: ReadonlySet<string> = new Set(
  `
a about above across after afterwards again against all almost alone along already also although always am among
amongst an and another any anybody anyhow anyone anything anyway anywhere are around as at
be became because become becomes becoming been before beforehand behind being below beside besides between beyond both
but by
can cannot could
did do does doing done down during
each either else elsewhere enough etc even ever every everybody everyone everything everywhere except
few for former formerly from further furthermore
had has have having he hence her here hereafter hereby herein hers herself him himself his how however
i ie if in indeed into is it its itself
just
last latter latterly least less let like likely
made make makes many may me meanwhile might mine more moreover most mostly much must my myself
namely neither never nevertheless next no nobody none noone nor not nothing now nowhere
of off often on once one only onto or other others otherwise our ours ourselves out over own
per perhaps please
quite
rather re really
said same say says seem seemed seeming seems several shall she should since so some somehow someone something
sometime sometimes somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore therein thereupon these they
this those though through throughout thru thus to together too toward towards
under unless until up upon us
very via
was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
whether which while whither who whoever whole whom whose why will with within without would
yet you your yours yourself yourselves
also can't cannot couldn't didn't doesn't don't hadn't hasn't haven't isn't it's i'm i've i'd i'll let's shouldn't
that's there's they're they've wasn't weren't we're we've won't wouldn't you're you've
consider considered considering given gives giving get gets getting got use used uses using
`
    .split(/\s+/u)
    .filter((w) => w !== ""),
);
