"""Skills a credential shows, as data (seed 001: the skills behind each credential must travel
with it, in the catalogue and in every export).

Framework `SLRC` holds the programme's own skills: the reflection cycle (`SLRC.*`), improvement
science (`IMP.*`), student voice (`VOICE.*`) and leading adults (`LEAD.*`). `InTASC` standard 10
is the one seed 004 names. Names are ours.
"""

SKILLS = [
    {"framework": "SLRC", "code": "SLRC.1", "name": "Framing a question about students' learning"},
    {
        "framework": "SLRC",
        "code": "SLRC.2",
        "name": "Building a data-collection tool for a question",
    },
    {
        "framework": "SLRC",
        "code": "SLRC.3",
        "name": "Gathering evidence of learning in a classroom",
    },
    {"framework": "SLRC", "code": "SLRC.4", "name": "Leading a colleague through reflection"},
    {"framework": "SLRC", "code": "SLRC.5", "name": "Growing a network of peers who visit"},
    {"framework": "SLRC", "code": "SLRC.6", "name": "Gauging trust and learning culture"},
    {"framework": "SLRC", "code": "IMP.1", "name": "Testing change ideas in PDSA cycles"},
    {"framework": "SLRC", "code": "IMP.2", "name": "Reading change over time on a run chart"},
    {"framework": "SLRC", "code": "IMP.3", "name": "Publishing improvement work for others"},
    {"framework": "SLRC", "code": "VOICE.1", "name": "Acting on what students say about class"},
    {"framework": "SLRC", "code": "LEAD.1", "name": "Designing professional learning for adults"},
    {"framework": "SLRC", "code": "LEAD.2", "name": "Facilitating colleagues' shared inquiry"},
    {
        "framework": "SLRC",
        "code": "LEAD.3",
        "name": "Advocating and presenting beyond the classroom",
    },
    {"framework": "InTASC", "code": "10", "name": "Leadership and collaboration"},
]
