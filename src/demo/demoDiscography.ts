/**
 * What the demo catalog is made of: albums by the artists the simulated LML knows (spelled as
 * a station's catalog would spell them), compilations filed under the names LML treats as V/A,
 * the titles of their credited tracks, and the parts from which artists LML has never heard
 * of are put together.
 */

export interface Discography {
  readonly artist: string
  readonly albums: ReadonlyArray<string>
}

/** Every artist here is one of `demoEntities`, reachable through LML's lookup cascade. */
export const knownArtists: ReadonlyArray<Discography> = [
  { artist: "Stereolab", albums: ["Dots and Loops", "Emperor Tomato Ketchup", "Mars Audiac Quintet"] },
  { artist: "Juana Molina", albums: ["Halo", "Wed 21", "Un Día", "Son"] },
  { artist: "Nilüfer Yanya", albums: ["Miss Universe", "Painless", "My Method Actor"] },
  { artist: "Sleater and Kinney", albums: ["Dig Me Out", "Call the Doctor", "The Woods"] },
  { artist: "Don't Stop", albums: ["Open Late", "Tape Hiss Forever"] },
  { artist: "Sigur Rós", albums: ["Ágætis byrjun", "Takk...", "Von"] },
  { artist: "Françoise Hardy", albums: ["Tous les garçons et les filles", "La question"] },
  { artist: "Jóhann Jóhannsson", albums: ["Fordlândia", "Orphée", "IBM 1401, A User's Manual"] },
  { artist: "Simon & Garfunkel", albums: ["Bookends", "Bridge Over Troubled Water"] },
  { artist: "Belle & Sebastian", albums: ["If You're Feeling Sinister", "Tigermilk"] },
  { artist: "Yo La Tengo", albums: ["I Can Hear the Heart Beating as One", "Painful", "Fakebook"] },
  { artist: "Superchunk", albums: ["Foolish", "No Pocky for Kitty", "Here's Where the Strings Come In"] },
  { artist: "Archers of Loaf", albums: ["Icky Mettle", "Vee Vee", "All the Nations Airports"] },
  { artist: "The Mountain Goats", albums: ["Tallahassee", "The Sunset Tree", "All Hail West Texas"] },
  { artist: "Mdou Moctar", albums: ["Ilana (The Creator)", "Afrique Victime", "Funeral for Justice"] },
  { artist: "Tinariwen", albums: ["Amassakoul", "Aman Iman", "Tassili"] },
  { artist: "Khruangbin", albums: ["The Universe Smiles Upon You", "Con Todo El Mundo", "Mordechai"] },
  { artist: "Broadcast", albums: ["The Noise Made by People", "Haha Sound", "Tender Buttons"] },
  { artist: "Cate Le Bon", albums: ["Crab Day", "Reward", "Pompeii"] },
  { artist: "Low", albums: ["Things We Lost in the Fire", "The Great Destroyer", "Double Negative"] },
  { artist: "Grouper", albums: ["Dragging a Dead Deer Up a Hill", "Ruins", "Shade"] },
  { artist: "Hand Habits", albums: ["Wildly Idle (Humble Before the Void)", "Placeholder", "Fun House"] },
  { artist: "Ata Kak", albums: ["Obaa Sima"] },
  { artist: "Arthur Russell", albums: ["World of Echo", "Calling Out of Context", "Another Thought"] },
  { artist: "Quasimoto", albums: ["The Unseen", "The Further Adventures of Lord Quas"] },
  { artist: "Viktor Vaughn", albums: ["Vaudeville Villain", "VV:2 Venomous Villain"] },
  {
    artist: "Thurston Moore",
    albums: ["Psychic Hearts", "Trees Outside the Academy", "Demolished Thoughts"]
  },
  { artist: "Kim Gordon", albums: ["No Home Record", "The Collective"] },
  { artist: "Panda Bear", albums: ["Person Pitch", "Tomboy", "Buoys"] },
  { artist: "Sun Ra", albums: ["Space Is the Place", "Lanquidity", "Jazz in Silhouette"] },
  { artist: "Pharoah Sanders", albums: ["Karma", "Thembi", "Black Unity"] },
  { artist: "Fela Kuti", albums: ["Zombie", "Expensive Shit", "Gentleman"] },
  { artist: "William Onyeabor", albums: ["Atomic Bomb", "Crashes in Love"] },
  { artist: "Hailu Mergia", albums: ["Lala Belu", "Yene Mircha", "Tche Belew"] },
  { artist: "Mulatu Astatke", albums: ["Mulatu of Ethiopia", "Sketches of Ethiopia"] },
  { artist: "Mary Lattimore", albums: ["Hundreds of Days", "Silver Ladders", "At the Dam"] },
  { artist: "Julia Holter", albums: ["Have You in My Wilderness", "Ekstasis", "Aviary"] },
  { artist: "Slowdive", albums: ["Souvlaki", "Just for a Day", "Pygmalion"] },
  { artist: "Duster", albums: ["Stratosphere", "Contemporary Movement"] },
  { artist: "Unwound", albums: ["Leaves Turn Inside You", "Repetition", "The Future of What"] },
  { artist: "Polvo", albums: ["Today's Active Lifestyles", "Exploded Drawing"] },
  { artist: "Hiss Golden Messenger", albums: ["Poor Moon", "Lateness of Dancers", "Hallelujah Anyhow"] },
  { artist: "Sylvan Esso", albums: ["Sylvan Esso", "What Now", "Free Love"] },
  { artist: "Rapsody", albums: ["Laila's Wisdom", "Eve"] },
  { artist: "Little Brother", albums: ["The Listening", "The Minstrel Show"] },
  { artist: "9th Wonder", albums: ["The Dream Merchant Vol. 2"] },
  { artist: "The dB's", albums: ["Stands for Decibels", "Repercussion"] },
  { artist: "Let's Active", albums: ["Cypress", "Afoot"] },
  { artist: "Mitski", albums: ["Puberty 2", "Be the Cowboy", "Bury Me at Makeout Creek"] },
  { artist: "Waxahatchee", albums: ["Cerulean Salt", "Saint Cloud", "Tigers Blood"] },
  { artist: "Big Thief", albums: ["Capacity", "U.F.O.F.", "Masterpiece"] },
  { artist: "Tirzah", albums: ["Devotion", "Colourgrade"] },
  { artist: "Nourished by Time", albums: ["Erotic Probiotic 2"] },
  { artist: "Boards of Canada", albums: ["Music Has the Right to Children", "Geogaddi"] },
  { artist: "Aphex Twin", albums: ["Selected Ambient Works 85-92", "Richard D. James Album", "Syro"] },
  { artist: "AFX", albums: ["Analord 10", "Orphaned Deejay Selek 2006-08"] },
  { artist: "Os Mutantes", albums: ["Os Mutantes", "Mutantes", "A Divina Comédia ou Ando Meio Desligado"] },
  { artist: "Sinéad O'Connor", albums: ["The Lion and the Cobra", "I Do Not Want What I Haven't Got"] },
  { artist: "Motörhead", albums: ["Ace of Spades", "Overkill", "Bomber"] },
  { artist: "Chris Stamey", albums: ["It's a Wonderful Life", "Travels in the South"] },
  { artist: "Björk", albums: ["Debut", "Homogenic", "Vespertine"] },
  { artist: "Deerhoof", albums: ["Apple O'", "Milk Man", "The Runners Four"] },
  { artist: "Alice Coltrane", albums: ["Journey in Satchidananda", "Ptah, the El Daoud"] },
  { artist: "Cocteau Twins", albums: ["Heaven or Las Vegas", "Treasure", "Victorialand"] },
  { artist: "Beach House", albums: ["Teen Dream", "Bloom", "Depression Cherry"] }
]

export interface Compilation {
  readonly artist: string
  readonly album: string
  /** The shelf code a station files it under; V/A codes start with `Z`. */
  readonly code: string
}

/** Filed under names LML answers as `compilation` without looking anything up. */
export const compilations: ReadonlyArray<Compilation> = [
  { artist: "Various Artists", album: "Nigeria 70: The Definitive Story of 1970s Funky Lagos", code: "Z" },
  { artist: "Various Artists", album: "Éthiopiques, Vol. 4: Ethio Jazz & Musique Instrumentale", code: "Z" },
  {
    artist: "Various Artists",
    album: "Nuggets: Original Artyfacts from the First Psychedelic Era",
    code: "Z"
  },
  { artist: "Various Artists", album: "Anthology of American Folk Music", code: "Z" },
  { artist: "Various Artists", album: "Brazil Classics 1: Beleza Tropical", code: "Z" },
  { artist: "Various Artists", album: "Love, Peace & Poetry: Latin American Psychedelic Music", code: "Z" },
  { artist: "V/A", album: "Pacific Breeze: Japanese City Pop, AOR & Boogie 1976-1986", code: "Z" },
  { artist: "V/A", album: "Ghana Soundz: Afro-Beat, Funk and Fusion in 70's Ghana", code: "Z" },
  { artist: "V/A", album: "Sound of Siam: Leftfield Luk Thung, Jazz & Molam", code: "Z" },
  { artist: "Various", album: "Chicago Soul, Vol. 1", code: "Z" },
  { artist: "Soundtracks - Film", album: "Paris, Texas (Original Motion Picture Soundtrack)", code: "ZS" },
  { artist: "Soundtracks - Film", album: "Lost in Translation (Original Soundtrack)", code: "ZS" },
  {
    artist: "Soundtracks - Television",
    album: "Twin Peaks (Music from the Limited Event Series)",
    code: "ZS"
  },
  { artist: "Soundtracks - Television", album: "Cowboy Bebop (Original Soundtrack)", code: "ZS" }
]

/**
 * Titles of the compilations' credited tracks. A release takes its titles from here without
 * repeating one, so its credits stay unique per (artist, title) as the catalog's index demands;
 * a prime count lets any stride visit every title.
 */
export const trackTitles: ReadonlyArray<string> = [
  "Night Train to Lagos",
  "Harbour Lights",
  "Slow Burn",
  "Paper Moon Over Accra",
  "Sunday Morning Shuffle",
  "Blue Nile",
  "Tell Me Why",
  "Coastline",
  "Get Up and Move",
  "Midnight Ferry",
  "Dancing in the Rain",
  "Sweet Water",
  "Hold On",
  "Golden Hour",
  "Ghost Town Blues",
  "Walk With Me",
  "Echoes of Home",
  "Lonely Planet",
  "Fire in the Hills",
  "Soft Machine",
  "Running Late",
  "Morning Glory",
  "The Long Way Round",
  "City Lights",
  "Summer Rain",
  "Heartbeat",
  "Shadow Dance",
  "Open Road",
  "Silver Lining",
  "Come Back Home",
  "Radio Static",
  "Wild Horses of the Sahel",
  "Desert Rose",
  "Afterglow",
  "Ocean Drive",
  "Trouble Man",
  "Love Is a Stranger",
  "High Life",
  "Red Earth",
  "Falling Star",
  "Satellite",
  "Mountain Song",
  "Broken Glass",
  "Bright Eyes",
  "Nowhere Fast",
  "Sugar Cane",
  "River of Dreams",
  "Last Dance",
  "Velvet Sky",
  "Homeward",
  "Lullaby for Tomorrow",
  "Marimba Song",
  "Don't Look Back"
]

/** Parts of band and personal names that, put together, no entity in LML's store answers to. */
export const unknownNameParts = {
  bandAdjectives: ["Velvet", "Paper", "Hollow", "Northern", "Copper", "Static", "Marble", "Winter", "Amber"],
  bandNouns: ["Harbor", "Lanterns", "Orchard", "Satellites", "Cathedral", "Meridian", "Choir", "Foxes"],
  givenNames: ["Marisol", "Teodor", "Inès", "Kwame", "Oona", "Dashiell", "Priya", "Søren", "Adaeze", "Lucía"],
  familyNames: ["Okafor", "Lindqvist", "Barrera", "Achterberg", "Nakamura", "Haddad", "Petrović", "Calloway"]
} as const

/** Parts of the album titles of those unknown artists. */
export const unknownAlbumParts = {
  adjectives: ["Quiet", "Borrowed", "Small", "Late", "Parallel", "Evergreen", "Slow", "Distant"],
  nouns: ["Rooms", "Weather", "Lowlands", "Afterglow", "Machines", "Postcards", "Ferries", "Hours", "Signals"]
} as const
