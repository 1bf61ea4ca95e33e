use super::*;

/// Reads a real package from ../shared/fixtures/real-packages.
fn real(name: &str) -> Option<Result<(PackageKind, LibraryContent)>> {
    let shared = testkit::shared()?;
    Some(read_package(
        &shared.join("fixtures/real-packages").join(name),
    ))
}

#[test]
fn scorm_1_2_packages_read_with_structure_text_and_prerequisites() {
    let Some(result) = real("scorm12.zip") else {
        return;
    };
    let (kind, content) = result.unwrap();
    assert_eq!(kind, PackageKind::Scorm12, "schemaversion 1.2");
    assert!(
        content.modules.len() >= 10,
        "one module per leaf item: {}",
        content.modules.len()
    );
    let first = &content.modules[0];
    assert_eq!(first.title, "How to Play", "titles come from the items");
    assert_eq!(
        first.extra["scorm_type"], "asset",
        "this package's items are assets (pages, no run-time calls), which an export that \
         carries them must keep"
    );
    assert_eq!(
        first.extra["section"], "Playing the Game",
        "aggregations become sections"
    );
    assert!(
        first.word_count > 50,
        "text comes from the launch HTML: {:?}",
        first.body.chars().take(80).collect::<String>()
    );

    let (_, content) = real("PrerequisitesTest_SCORM12.zip").unwrap().unwrap();
    let reqs: Vec<(String, Vec<String>, PrerequisiteGroup)> = content
        .manifest
        .unwrap()
        .requires
        .into_iter()
        .map(|r| (r.module, r.after, r.group))
        .collect();
    assert_eq!(
        reqs,
        [
            (
                "module2".to_owned(),
                vec!["module1".to_owned()],
                PrerequisiteGroup::AllOf
            ),
            (
                "module3".to_owned(),
                vec!["module1".to_owned(), "module2".to_owned()],
                PrerequisiteGroup::AllOf
            ),
            (
                "module4".to_owned(),
                vec![
                    "module1".to_owned(),
                    "module2".to_owned(),
                    "module3".to_owned()
                ],
                PrerequisiteGroup::AllOf
            ),
        ],
        "adlcp:prerequisites become requirements; a mixed expression is kept whole as all-of"
    );
    let data = |path: &str| {
        let m = content
            .modules
            .iter()
            .find(|m| m.relative_path == path)
            .unwrap();
        m.extra.get("item_data").cloned().unwrap_or_default()
    };
    assert_eq!(
        (data("module1"), data("module2"), data("module3")),
        (
            json!({ "max_time_allowed": "02:30:00", "mastery_score": "80" }),
            json!({ "data_from_lms": "custom_data_for_module2" }),
            json!({ "time_limit_action": "exit,message" }),
        ),
        "what the LMS hands each SCO (launch data) or decides for it (pass mark, time \
         limit) is kept, so an export that carries the SCO hands it the same"
    );
    let m4 = content
        .modules
        .iter()
        .find(|m| m.relative_path == "module4")
        .unwrap();
    assert_eq!(
        m4.extra["prerequisites_expression"], "(module1 AND module2) OR module3",
        "and verbatim in the metadata"
    );
}

#[test]
fn scorm_2004_packages_keep_their_sequencing() {
    let Some(result) = real("SequencingSimpleRemediation_SCORM20043rdEdition.zip") else {
        return;
    };
    let (kind, content) = result.unwrap();
    assert_eq!(kind, PackageKind::Scorm2004, "2004 3rd edition");
    let with_objectives = content
        .modules
        .iter()
        .filter(|m| m.extra.contains_key("sequencing"))
        .count();
    assert!(with_objectives > 0, "sequencing objectives are kept");
    let said: Vec<&str> = content
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        said,
        [
            "its SCORM 2004 sequencing rules are read for prerequisites only; not imported: \
          exitAll on “Remediation Wrapper”; exitParent on “Having Fun Quiz”; retry on \
          “Remediation Wrapper”; skip on 7 (“Playing the Game”, “Etiquette”, “Handicapping” \
          and 4 more). A placement or remediation rule can say the same in Pathforge"
        ],
        "the package's remediation loop (skip what is mastered, retry the rest) gives no \
         prerequisite, and the import says so rather than reporting 0 prerequisites as if \
         the package had no logic; “Having Fun Quiz” writes its own rules, which replace \
         the shared set's skip"
    );
    let playing = content
        .modules
        .iter()
        .find(|m| m.title == "Playing the Game")
        .expect("the first content item");
    assert!(
        playing.word_count > 1000 && playing.body.contains("handicap"),
        "its launcher (shared/launchpage.html?content=playing) holds a dozen words; the five \
         pages its resource lists are what the learner reads: {} words",
        playing.word_count
    );
    assert_eq!(
        playing.extra["pages"][0],
        "SequencingSimpleRemediation_SCORM20043rdEdition/Playing/OtherScoring.html",
        "the pages read are named, in the manifest's order"
    );
    let quiz = content
        .modules
        .iter()
        .find(|m| m.title == "Playing Quiz")
        .unwrap();
    assert_eq!(
        (
            &playing.extra["launch_parameters"],
            &quiz.extra["launch_parameters"]
        ),
        (&json!("?content=playing"), &json!("?content=assessment1")),
        "which content the shared launcher shows is kept, from the href's query and from \
         the item's parameters, so an export can launch the item as its LMS did"
    );
    assert_eq!(
        playing.extra["scorm_type"], "sco",
        "the remediation sample's items are SCOs"
    );
    assert_eq!(
        playing.extra["sequencing"]["delivery"],
        json!({ "completion_set_by_content": true, "objective_set_by_content": true }),
        "the shared set's delivery controls say the SCO reports its own completion and \
         success (the LMS must not call it satisfied when it merely ends): kept, so an \
         export that carries it says the same"
    );
    for name in [
        "scorm2004.zip",
        "ContentPackagingMetadata_SCORM20043rdEdition.zip",
        "ContentPackagingSingleSCO_SCORM12.zip",
    ] {
        let (_, content) = real(name)
            .unwrap()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!content.modules.is_empty(), "{name} has modules");
    }
}

#[test]
fn sequencing_sets_shared_by_idref_gate_the_items_that_name_them() {
    // One set says "disabled while the objective `previous` is unknown or not satisfied";
    // each item maps `previous` to the global its predecessor writes — the compact way to
    // chain items.
    let item = |id: &str, previous: Option<&str>, rules: &str| {
        let reads = previous.map_or(String::new(), |p| {
            format!(
                r#"<imsss:objective objectiveID="previous"><imsss:mapInfo targetObjectiveID="g-{p}"/></imsss:objective>"#
            )
        });
        format!(
            r#"<item identifier="{id}" identifierref="r-{id}"><title>{id}</title>
            <imsss:sequencing IDRef="chained">{rules}<imsss:objectives>
              <imsss:primaryObjective objectiveID="done"><imsss:mapInfo targetObjectiveID="g-{id}" writeSatisfiedStatus="true"/></imsss:primaryObjective>
              {reads}</imsss:objectives></imsss:sequencing></item>"#
        )
    };
    let own_rules = r#"<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions>
        <imsss:ruleCondition condition="always"/></imsss:ruleConditions>
        <imsss:ruleAction action="hiddenFromChoice"/></imsss:preConditionRule></imsss:sequencingRules>"#;
    let items = [
        item("basics", None, ""),
        item("practice", Some("basics"), ""),
        item("project", Some("practice"), ""),
        item("extra", Some("project"), own_rules),
    ]
    .concat();
    let resources: String = ["basics", "practice", "project", "extra", "lost"]
        .iter()
        .map(|id| format!(r#"<resource identifier="r-{id}" href="{id}.html"/>"#))
        .collect();
    let manifest = format!(
        r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
        <metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>{items}
          <item identifier="lost" identifierref="r-lost"><title>Lost</title><imsss:sequencing IDRef="gone"/></item>
        </organization></organizations>
        <resources>{resources}</resources>
        <imsss:sequencingCollection><imsss:sequencing ID="chained"><imsss:sequencingRules>
          <imsss:preConditionRule><imsss:ruleConditions conditionCombination="any">
            <imsss:ruleCondition referencedObjective="previous" operator="not" condition="satisfied"/>
            <imsss:ruleCondition referencedObjective="previous" operator="not" condition="objectiveStatusKnown"/>
          </imsss:ruleConditions><imsss:ruleAction action="disabled"/></imsss:preConditionRule>
        </imsss:sequencingRules></imsss:sequencing></imsss:sequencingCollection></manifest>"#
    );
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<(String, &[u8])> = ["basics", "practice", "project", "extra", "lost"]
        .iter()
        .map(|id| (format!("{id}.html"), &b"<p>Some words.</p>"[..]))
        .collect();
    let mut entries: Vec<(&str, &[u8])> = vec![("imsmanifest.xml", manifest.as_bytes())];
    entries.extend(pages.iter().map(|(n, b)| (n.as_str(), *b)));
    let (_, content) = read_package(&zip_of(dir.path(), "chained.zip", &entries)).unwrap();
    let requires: Vec<(String, Vec<String>)> = content
        .manifest
        .unwrap()
        .requires
        .into_iter()
        .map(|r| (r.module, r.after))
        .collect();
    let owned = |m: &str, a: &str| (m.to_owned(), vec![a.to_owned()]);
    assert_eq!(
        requires,
        [owned("practice", "basics"), owned("project", "practice")],
        "the shared set's disabling rule gates each item on the global its own map names \
         (basics has nothing to read, so nothing gates it); extra writes its own rules, \
         which replace the set's, so nothing gates it either"
    );
    assert!(
        content.warnings.iter().any(|w| w
            .message
            .contains("its sequencing refers to \"gone\", which imsmanifest.xml's <sequencingCollection> does not hold")),
        "a set the manifest does not hold is named, and the item still imports: {:?}",
        content.warnings
    );
    assert_eq!(content.modules.len(), 5, "every item imports");
}

#[test]
fn a_sections_sequencing_stands_for_all_its_modules() {
    let writes = |global: &str| {
        format!(
            r#"<imsss:objectives><imsss:primaryObjective objectiveID="done"><imsss:mapInfo targetObjectiveID="{global}" writeSatisfiedStatus="true"/></imsss:primaryObjective>"#
        )
    };
    let reads = |ids: &[&str]| -> String {
        ids.iter()
            .map(|g| {
                format!(
                    r#"<imsss:objective objectiveID="{g}"><imsss:mapInfo targetObjectiveID="{g}"/></imsss:objective>"#
                )
            })
            .collect()
    };
    let disabled = |combination: &str, ids: &[&str]| -> String {
        let conditions: String = ids
            .iter()
            .map(|g| {
                format!(
                    r#"<imsss:ruleCondition referencedObjective="{g}" operator="not" condition="satisfied"/>"#
                )
            })
            .collect();
        format!(
            r#"<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions conditionCombination="{combination}">{conditions}</imsss:ruleConditions><imsss:ruleAction action="disabled"/></imsss:preConditionRule></imsss:sequencingRules>"#
        )
    };
    let leaf = |id: &str, sequencing: &str| {
        format!(
            r#"<item identifier="{id}" identifierref="r-{id}"><title>{id}</title>{sequencing}</item>"#
        )
    };
    let ids = ["a1", "a2", "b1", "post", "bonus"];
    let manifest = format!(
        r#"<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
        <metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
          <item identifier="m1"><title>Module 1</title>{a1}{a2}
            <imsss:sequencing>{m1}</imsss:objectives></imsss:sequencing></item>
          <item identifier="m2"><title>Module 2</title>{b1}
            <imsss:sequencing>{m2_rules}{m2}{m2_reads}</imsss:objectives></imsss:sequencing></item>
          {post}{bonus}
        </organization></organizations>
        <resources>{resources}</resources></manifest>"#,
        a1 = leaf("a1", ""),
        a2 = leaf("a2", ""),
        b1 = leaf("b1", ""),
        m1 = writes("g-m1"),
        m2 = writes("g-m2"),
        m2_rules = disabled("all", &["g-m1"]),
        m2_reads = reads(&["g-m1"]),
        post = leaf(
            "post",
            &format!(
                "<imsss:sequencing>{}<imsss:objectives>{}</imsss:objectives></imsss:sequencing>",
                disabled("any", &["g-m1", "g-m2"]),
                reads(&["g-m1", "g-m2"])
            )
        ),
        bonus = leaf(
            "bonus",
            &format!(
                "<imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions conditionCombination=\"all\">\
                 <imsss:ruleCondition referencedObjective=\"g-m1\" operator=\"not\" condition=\"satisfied\"/>\
                 <imsss:ruleCondition referencedObjective=\"g-m2\" operator=\"not\" condition=\"satisfied\"/>\
                 </imsss:ruleConditions><imsss:ruleAction action=\"disabled\"/></imsss:preConditionRule></imsss:sequencingRules>\
                 <imsss:objectives>{}</imsss:objectives></imsss:sequencing>",
                reads(&["g-m1", "g-m2"])
            )
        ),
        resources = ids
            .iter()
            .map(|id| format!(r#"<resource identifier="r-{id}" href="{id}.html"/>"#))
            .collect::<String>(),
    );
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<String> = ids.iter().map(|id| format!("{id}.html")).collect();
    let mut entries: Vec<(&str, &[u8])> = vec![("imsmanifest.xml", manifest.as_bytes())];
    entries.extend(
        pages
            .iter()
            .map(|n| (n.as_str(), &b"<p>Some words.</p>"[..])),
    );
    let (_, content) = read_package(&zip_of(dir.path(), "sections.zip", &entries)).unwrap();
    let requires: Vec<(String, Vec<String>, PrerequisiteGroup)> = content
        .manifest
        .unwrap()
        .requires
        .into_iter()
        .map(|r| (r.module, r.after, r.group))
        .collect();
    let all = |m: &str, a: &[&str]| {
        (
            m.to_owned(),
            a.iter().map(|s| s.to_string()).collect(),
            PrerequisiteGroup::AllOf,
        )
    };
    assert_eq!(
        requires,
        [all("b1", &["a1", "a2"]), all("post", &["a1", "a2", "b1"])],
        "Module 2, disabled until Module 1's rolled-up objective is met, holds its module \
         b1 until both of Module 1's are done; the post-test, shut while either section is \
         unmet, comes after all three. Nothing else was read as a prerequisite"
    );
    assert!(
        content.warnings.iter().any(|w| w.relative_path == "bonus"
            && w.message
                .contains("once 1 of 2 objectives are met, some of them a whole section's")),
        "“open once either section is done” has no form as a group of modules: named, not \
         guessed at: {:?}",
        content.warnings
    );
}

#[test]
fn cmi5_packages_read_their_assignable_units() {
    let Some(result) = real("cmi5.zip") else {
        return;
    };
    let (kind, content) = result.unwrap();
    assert_eq!(kind, PackageKind::Cmi5);
    assert_eq!(content.modules.len(), 1, "one AU");
    let au = &content.modules[0];
    assert_eq!(
        au.title,
        "Introduction to Geology - Framed Style - Mastery Score"
    );
    assert!(
        au.body
            .starts_with("This course will introduce you into the basics of geology."),
        "the AU's description leads its text: its page's markup holds its controls, its \
         lessons are in script: {:.120}",
        au.body
    );
    assert_eq!(au.extra["move_on"], "CompletedOrPassed");
    assert_eq!(au.extra["mastery_score"], 0.3);
    let missing: Vec<&str> = content
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains("does not hold"))
        .collect();
    assert!(
        missing.len() == 1
            && missing[0].starts_with("its pages load 4 files the package does not hold")
            && missing[0].contains("js/cmi5.min.js (loaded by index.html)"),
        "this copy of the public package ships its page without the scripts and style it \
         loads (ADL's CATAPULT original has them): the import says so, naming them: {:?}",
        content.warnings
    );
}

#[test]
fn a_cmi5_au_launched_with_parameters_reads_the_page_they_are_given_to() {
    // As ADL's CATAPULT pre/post-test example writes it: two AUs share one page, each
    // launched with its own query.
    let dir = tempfile::tempdir().unwrap();
    let xml = r#"<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
      <course id="c"><title><langstring>C</langstring></title></course>
      <au id="c/one" moveOn="CompletedOrPassed"><title><langstring>One</langstring></title><url>index.html?pages=1</url></au>
      <au id="c/two"><title><langstring>Two</langstring></title><url>my%20page.html#start</url></au>
    </courseStructure>"#;
    let package = zip_of(
        dir.path(),
        "course.zip",
        &[
            ("cmi5.xml", xml.as_bytes()),
            ("index.html", b"<p>Plate tectonics moves continents.</p>"),
            ("my page.html", b"<p>Rocks and minerals.</p>"),
        ],
    );
    let (_, content) = read_package(&package).unwrap();
    let read: Vec<(&str, bool, &str)> = content
        .modules
        .iter()
        .map(|m| {
            let launch = m.extra["launch"].as_str().unwrap();
            (
                m.title.as_str(),
                m.body.contains("tectonics") || m.body.contains("Rocks"),
                launch,
            )
        })
        .collect();
    assert_eq!(
        (read, content.warnings.len()),
        (
            vec![
                ("One", true, "index.html?pages=1"),
                ("Two", true, "my%20page.html#start")
            ],
            0
        ),
        "an AU's URL names its page before any query or fragment, percent-encoded or not: \
         the page's text is read, nothing is called missing, and the launch keeps its \
         parameters: {:?}",
        content.warnings
    );
}

/// Writes a zip with `entries` (name, bytes) and returns its path.
fn zip_of(dir: &Path, name: &str, entries: &[(&str, &[u8])]) -> PathBuf {
    use std::io::Write;
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in entries {
        z.start_file(*n, opts).unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap();
    path
}

const MANIFEST: &str = r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
    <organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i1" identifierref="r1"><title>One</title></item></organization></organizations>
    <resources><resource identifier="r1" href="one.html"/></resources></manifest>"#;

#[test]
fn common_cartridges_read_pages_links_assessments_and_canvas_prerequisites() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = r#"<manifest identifier="cc" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
      <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>
      <organizations><organization identifier="org" structure="rooted-hierarchy"><item identifier="root">
        <item identifier="g1"><title>Week 1</title>
          <item identifier="i1" identifierref="r1"><title>Reading data</title></item>
          <item identifier="i2" identifierref="r2"><title>Open data portal</title></item></item>
        <item identifier="g2"><title>Week 2</title>
          <item identifier="i3" identifierref="r3"><title>Quiz</title></item></item>
      </item></organization></organizations>
      <resources>
        <resource identifier="r1" type="webcontent" href="wiki/reading.html"><file href="wiki/reading.html"/></resource>
        <resource identifier="r2" type="imswl_xmlv1p1"><file href="links/portal.xml"/></resource>
        <resource identifier="r3" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="quiz/assessment.xml"/></resource>
      </resources></manifest>"#;
    let meta = r#"<modules><module identifier="g2"><title>Week 2</title><prerequisites>
        <prerequisite type="context_module"><title>Week 1</title><identifierref>g1</identifierref></prerequisite>
        </prerequisites>
        <completionRequirements><completionRequirement type="min_score"><min_score>80</min_score><identifierref>m3</identifierref></completionRequirement></completionRequirements>
        <items><item identifier="m3"><content_type>Quizzes::Quiz</content_type><identifierref>r3</identifierref></item></items>
        </module></modules>"#;
    let cc = zip_of(
        dir.path(),
        "course.imscc",
        &[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("wiki/reading.html", b"<p>Tables have rows and columns.</p>"),
            ("links/portal.xml", br#"<webLink><title>Portal</title><url href="https://data.example.org"/></webLink>"#),
            ("quiz/assessment.xml", br#"<questestinterop><assessment title="Week 2 quiz" ident="a1"/></questestinterop>"#),
            ("course_settings/module_meta.xml", meta.as_bytes()),
        ],
    );
    let (kind, content) = read_package(&cc).unwrap();
    assert_eq!(
        kind,
        PackageKind::CommonCartridge,
        "the schema says Common Cartridge"
    );
    let titles: Vec<&str> = content.modules.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Reading data", "Open data portal", "Quiz"],
        "one module per leaf item"
    );
    assert_eq!(
        content.modules[0].body.trim(),
        "Tables have rows and columns.",
        "web content text"
    );
    assert_eq!(
        content.modules[1].extra["web_link"], "https://data.example.org",
        "web links keep their URL"
    );
    assert_eq!(
        content.modules[2].extra["assessment"], "Week 2 quiz",
        "assessment titles"
    );
    assert_eq!(
        content.modules[0].extra["section"], "Week 1",
        "modules become sections"
    );
    assert_eq!(
        content.modules[2].extra["completion"],
        json!({ "type": "min_score", "min_score": 80.0 }),
        "Canvas's completion requirement reaches the item through its resource"
    );
    let requires = content.manifest.unwrap().requires;
    assert_eq!(requires.len(), 1, "Canvas's module prerequisite is kept");
    assert_eq!(requires[0].module, "i3", "the first item of week 2");
    assert_eq!(
        requires[0].after,
        ["i1", "i2"],
        "requires every item of week 1"
    );
}

#[test]
fn what_the_metadata_says_of_an_item_is_read_over_the_guesses() {
    let Some(result) = real("ContentPackagingMetadata_SCORM20043rdEdition.zip") else {
        return;
    };
    let (_, content) = result.unwrap();
    let golf = &content.modules[0];
    assert_eq!(
        (golf.duration_minutes, golf.level),
        (10, Some(model::Level::Beginner)),
        "the public metadata sample: its course's typicalLearningTime PT10M and difficulty \
         “very easy” (in metadata_course.xml, which the manifest points to), said of its one \
         item, over the 32 minutes its 6,000 words would give"
    );
    assert_eq!(
        golf.extra["keywords"],
        json!(["golf", "golf etiquette", "golf handicap"]),
        "the course's keywords are kept"
    );
    assert!(
        golf.body
            .starts_with("The primary item of the Golf Explained course"),
        "the item's own in-line description comes first in its text: {:.80}",
        golf.body
    );

    let dir = tempfile::tempdir().unwrap();
    let manifest = r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion>
        <lom><educational><typicallearningtime><datetime>05:00:00</datetime></typicallearningtime></educational></lom></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>Putting</title>
          <metadata><lom><general><keyword><langstring>green</langstring></keyword></general>
            <educational><typicallearningtime><datetime>00:45:00</datetime></typicallearningtime>
            <difficulty><source><langstring>LOMv1.0</langstring></source><value><langstring>difficult</langstring></value></difficulty>
            </educational></lom></metadata></item>
        <item identifier="i2" identifierref="r2"><title>Driving</title></item>
        <item identifier="i3" identifierref="r3"><title>Chipping</title>
          <metadata><location>meta/gone.xml</location></metadata></item>
        <item identifier="i4" identifierref="r4"><title>Bunkers</title>
          <metadata><location>meta/cut.xml</location></metadata></item>
        </organization></organizations>
        <resources>
          <resource identifier="r1" href="putt.html"><metadata><location>meta/putt.xml</location></metadata></resource>
          <resource identifier="r2" href="drive.html"/>
          <resource identifier="r3" href="chip.html"/>
          <resource identifier="r4" href="sand.html"/>
        </resources></manifest>"#;
    let package = zip_of(
        dir.path(),
        "golf.zip",
        &[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("meta/putt.xml", b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><lom><general><description><langstring>Putts on the green, \xe0 la pro.</langstring></description></general><educational><typicallearningtime><datetime>00:05:00</datetime></typicallearningtime></educational></lom>"),
            ("putt.html", b"<p>Read the green.</p>"),
            ("drive.html", b"<p>Tee it high.</p>"),
            ("chip.html", b"<p>Land it soft.</p>"),
            ("meta/cut.xml", b"<lom><general><description><langstring>Splash"),
            ("sand.html", b"<p>Open the face.</p>"),
        ],
    );
    let (_, content) = read_package(&package).unwrap();
    let check = |title: &str, minutes: u32, level: Option<model::Level>, body: &str, why: &str| {
        let m = content.modules.iter().find(|m| m.title == title).unwrap();
        assert_eq!(
            (m.duration_minutes, m.level, m.body.as_str()),
            (minutes, level, body),
            "{title}: {why}"
        );
    };
    check(
        "Putting",
        45,
        Some(model::Level::Advanced),
        "Putts on the green, à la pro.\n\nRead the green.",
        "SCORM 1.2's IMS MD in line (lower-case names, a clock time, “difficult”) over the \
         resource's external file, whose description fills the gap the item leaves",
    );
    check(
        "Driving",
        1,
        None,
        "Tee it high.",
        "no metadata of its own: its words' estimate, and not the course's five hours, which \
         are the course's with three items",
    );
    let warned: Vec<&str> = content
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        warned
            .iter()
            .any(|w| w.contains("\"meta/gone.xml\" is not in the package")),
        "a metadata file the manifest names but the package lacks is a warning, and the item \
         imports without it: {warned:?}"
    );
    check(
        "Chipping",
        1,
        None,
        "Land it soft.",
        "imported all the same",
    );
    assert!(
        warned
            .iter()
            .any(|w| w.contains("\"meta/cut.xml\" is malformed XML")),
        "a metadata file cut short (as an interrupted copy leaves it) is a warning naming it, \
         not a failed import: {warned:?}"
    );
    check(
        "Bunkers",
        1,
        None,
        "Open the face.",
        "imported with its page's text and none of the broken file's half-read words",
    );
}

#[test]
fn launch_parameters_join_as_an_lms_joins_them() {
    let check = |href: &str, parameters: Option<&str>, want: &str, why: &str| {
        assert_eq!(
            scorm::launch_parameters(href, parameters),
            want,
            "{href:?} + {parameters:?}: {why}"
        );
    };
    check("page.html", None, "", "nothing added");
    check(
        "launch.html?content=playing",
        None,
        "?content=playing",
        "the href's own query",
    );
    check(
        "launch.html",
        Some("?content=assessment1"),
        "?content=assessment1",
        "the item's parameters",
    );
    check(
        "launch.html?lang=en",
        Some("?content=quiz"),
        "?lang=en&content=quiz",
        "joined with &",
    );
    check("launch.html", Some("&a=1"), "?a=1", "a leading & dropped");
    check(
        "launch.html#top",
        Some("a=1"),
        "?a=1#top",
        "the fragment stays last",
    );
    check(
        "launch.html",
        Some("#part2"),
        "#part2",
        "a fragment parameter",
    );
    check(
        "launch.html#top",
        Some("#part2"),
        "#top",
        "the href's fragment wins",
    );
}

#[test]
fn learning_times_read_as_iso_durations_or_clock_times() {
    let check = |text: &str, want: Option<u32>, why: &str| {
        assert_eq!(lom::minutes_of(text), want, "{text:?}: {why}")
    };
    check("PT10M", Some(10), "minutes");
    check("PT1H30M", Some(90), "hours and minutes");
    check("P1DT2H", Some(1_560), "a day and hours");
    check("PT90S", Some(2), "seconds round up");
    check("PT0.5M", Some(1), "at least a minute");
    check("01:30:00", Some(90), "IMS MD's clock time");
    check("00:10", Some(10), "without seconds");
    check("PT", None, "nothing said");
    check("P1Y", None, "years are no learning time to guess at");
    check("ten minutes", None, "words");
    check("", None, "empty");
}

#[test]
fn a_launcher_page_reads_the_pages_its_resource_lists() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = r#"<manifest identifier="m"><metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>Scoring</title></item>
        <item identifier="i2" identifierref="r2"><title>Plain</title></item></organization></organizations>
        <resources>
          <resource identifier="r1" type="webcontent" href="shared/launch.html?content=scoring" xml:base="course/">
            <file href="Scoring/par.html"/><file href="Scoring/par.jpg"/><file href="Scoring/questions.js"/>
            <file href="shared/launch.html"/><file href="Scoring/missing.html"/><file href="Scoring/birdie.htm"/>
            <file href="Scoring/par.html"/><dependency identifierref="common"/></resource>
          <resource identifier="r2" type="webcontent" href="course/plain.html"><file href="course/plain.html"/></resource>
          <resource identifier="common" type="webcontent"><file href="course/shared/template.html"/></resource>
        </resources></manifest>"#;
    let package = zip_of(
        dir.path(),
        "golf.zip",
        &[
            ("imsmanifest.xml", manifest.as_bytes()),
            (
                "course/shared/launch.html",
                b"<title>Loading</title><p>Loading the course.</p><script>go()</script>",
            ),
            (
                "course/shared/template.html",
                b"<p>Question template shared by all.</p>",
            ),
            (
                "course/Scoring/par.html",
                b"<p>Par is the expected number of strokes.</p>",
            ),
            (
                "course/Scoring/birdie.htm",
                b"<p>A birdie is one under par.</p>",
            ),
            ("course/Scoring/questions.js", b"var q = 'Not a page';"),
            ("course/plain.html", b"<p>One page alone.</p>"),
        ],
    );
    let (_, content) = read_package(&package).unwrap();
    let check = |title: &str, body: &str, pages: Value, why: &str| {
        let module = content.modules.iter().find(|m| m.title == title).unwrap();
        assert_eq!(
            module.body.split_whitespace().collect::<Vec<_>>().join(" "),
            body,
            "{title}: {why}"
        );
        assert_eq!(
            module.extra.get("pages").cloned().unwrap_or(Value::Null),
            pages,
            "{title}: {why}"
        );
    };
    check(
        "Scoring",
        "Loading the course. Par is the expected number of strokes. A birdie is one under par.",
        json!(["course/Scoring/par.html", "course/Scoring/birdie.htm"]),
        "the launcher's words, then the resource's other web pages in the manifest's order (under          its xml:base), each once; not the launcher again, not a script or image, not a listed          page the package lacks, not a dependency's page (shared by every item naming it)",
    );
    check(
        "Plain",
        "One page alone.",
        Value::Null,
        "a resource listing only its launch file reads that file, as before",
    );

    // A tool that lists every file of the package under each resource.
    let everything =
        r#"<file href="one/launch.html"/><file href="one/a.html"/><file href="two/b.html"/>"#;
    let manifest = format!(
        r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="i1" identifierref="r1"><title>One</title></item>
        <item identifier="i2" identifierref="r2"><title>Two</title></item></organization></organizations>
        <resources><resource identifier="r1" href="one/launch.html">{everything}</resource>
          <resource identifier="r2" href="two/b.html">{everything}</resource></resources></manifest>"#
    );
    let package = zip_of(
        dir.path(),
        "lists-everything.zip",
        &[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("one/launch.html", b"<p>Launching one.</p>"),
            ("one/a.html", b"<p>Page A.</p>"),
            ("two/b.html", b"<p>Page B.</p>"),
        ],
    );
    let (_, content) = read_package(&package).unwrap();
    let bodies: Vec<&str> = content.modules.iter().map(|m| m.body.trim()).collect();
    assert_eq!(
        bodies,
        ["Launching one.", "Page B."],
        "pages every resource lists are no one item's own: each item reads its launch page \
         alone, not the whole course"
    );
}

#[test]
fn items_without_their_files_import_as_structure_and_broken_ones_are_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = r#"<manifest identifier="m"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>T</title>
        <item identifier="ok" identifierref="r1"><title>Spaced</title></item>
        <item identifier="gone" identifierref="r2"><title>Gone</title></item>
        <item identifier="ghost" identifierref="nope"><title>Ghost</title></item>
        <item identifier="web" identifierref="r3"><title>On the web</title></item>
        <item identifier="out" identifierref="r4"><title>Out</title></item>
        </organization></organizations>
        <resources><resource identifier="r1" href="./my%20page.html"/><resource identifier="r2" href="missing.html"/>
        <resource identifier="r3" href="https://example.org/course"/>
        <resource identifier="r4" href="../../secrets/page.html"/></resources></manifest>"#;
    let zip = zip_of(
        dir.path(),
        "partial.zip",
        &[
            ("imsmanifest.xml", manifest.as_bytes()),
            ("my page.html", b"<p>Found through its encoded name</p>"),
        ],
    );
    let (_, content) = read_package(&zip).expect("the readable items import");
    let titles: Vec<&str> = content.modules.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Spaced", "Gone", "On the web"],
        "an item whose file is absent still imports, in its place; broken items do not"
    );
    assert_eq!(
        content.modules[0].body.trim(),
        "Found through its encoded name",
        "`./` and %20 in an href name the stored file"
    );
    assert_eq!(
        (
            content.modules[1].body.as_str(),
            &content.modules[1].extra["launch_missing"]
        ),
        ("", &serde_json::json!(true)),
        "the absent file's item has no text, and says its launch file is missing"
    );
    assert_eq!(
        content.modules[2].extra["web_link"], "https://example.org/course",
        "a launch URL on the web is a web link"
    );
    let warnings: Vec<(&str, &str)> = content
        .warnings
        .iter()
        .map(|w| (w.relative_path.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .1
            .contains("\"missing.html\" is not in the package; imported as structure only"),
        "the absent launch file is named in a warning: {warnings:?}"
    );
    let reasons: Vec<String> = content
        .skipped
        .iter()
        .map(|s| s.error.to_string())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].contains("resource \"nope\", which imsmanifest.xml does not declare"),
        "an item pointing at no resource: {}",
        reasons[0]
    );
    assert!(
        reasons[1].starts_with(&zip.display().to_string())
            && reasons[1]
                .contains("its launch file \"../../secrets/page.html\" points outside the package"),
        "a launch path leaving the package is named as such, with the package: {}",
        reasons[1]
    );

    let only_out = zip_of(
        dir.path(),
        "out.zip",
        &[(
            "imsmanifest.xml",
            manifest
                .replace(r#"identifierref="r1""#, r#"identifierref="r4""#)
                .replace(r#"identifierref="r2""#, r#"identifierref="r4""#)
                .replace(r#"identifierref="r3""#, r#"identifierref="nope""#)
                .as_bytes(),
        )],
    );
    let err = read_package(&only_out).unwrap_err().to_string();
    assert!(
        err.contains("has no item that can be imported: item \"ok\" (Spaced): its launch file \"../../secrets/page.html\" points outside the package")
            && !err.contains("no launchable items"),
        "a package of only broken items says why each was refused: {err}"
    );
}

#[test]
fn a_manifest_without_its_content_imports_its_structure() {
    // What designers get before content arrives: a nested SCORM 1.2 organisation of
    // twelve items and their prerequisites, and not one launch file.
    let dir = tempfile::tempdir().unwrap();
    let mut items = String::new();
    let mut resources = String::new();
    for unit in 0..3 {
        items += &format!("<item identifier=\"u{unit}\"><title>Unit {unit}</title>");
        for lesson in 0..4 {
            let n = unit * 4 + lesson;
            let prereq = match n {
                0 => String::new(),
                _ => format!(
                    "<adlcp:prerequisites type=\"aicc_script\">i{}</adlcp:prerequisites>",
                    n - 1
                ),
            };
            items += &format!("<item identifier=\"i{n}\" identifierref=\"r{n}\"><title>Lesson {n}</title>{prereq}</item>");
            resources += &format!("<resource identifier=\"r{n}\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"lessons/{n}.html\"/>");
        }
        items += "</item>";
    }
    let manifest = format!(
        r#"<manifest identifier="m" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata><schemaversion>1.2</schemaversion></metadata>
        <organizations default="o"><organization identifier="o"><title>Course</title>{items}</organization></organizations>
        <resources>{resources}</resources></manifest>"#
    );
    let zip = zip_of(
        dir.path(),
        "ahead.zip",
        &[("imsmanifest.xml", manifest.as_bytes())],
    );
    let (_, content) = read_package(&zip).expect("a manifest alone is a course outline");
    assert_eq!(content.modules.len(), 12, "every item is a module");
    assert_eq!(
        content.modules[5].extra["section"], "Unit 1",
        "each keeps its place in the organisation"
    );
    let requires = content.manifest.expect("prerequisites").requires;
    assert_eq!(
        requires.len(),
        11,
        "every prerequisite is kept: {requires:?}"
    );
    assert_eq!(
        content.warnings.len(),
        12,
        "one warning per missing launch file"
    );
    assert!(
        content.warnings[0]
            .message
            .contains("\"lessons/0.html\" is not in the package"),
        "{:?}",
        content.warnings[0]
    );
    assert!(content.skipped.is_empty(), "nothing is refused");
}

#[test]
fn hostile_packages_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let check = |path: PathBuf, needle: &str, why: &str| {
        let err = read_package(&path).expect_err(why).to_string();
        assert!(err.contains(needle), "{why}: {err}");
        assert!(
            err.starts_with(&path.display().to_string()),
            "{why}: names the package: {err}"
        );
    };
    let slip = zip_of(
        dir.path(),
        "slip.zip",
        &[
            ("imsmanifest.xml", MANIFEST.as_bytes()),
            ("../../evil.html", b"x"),
        ],
    );
    check(
        slip,
        "zip entry “../../evil.html” points outside the package",
        "zip slip: the entry named as written, no Rust debug text",
    );
    let bomb = vec![0u8; 8 << 20];
    let bomb = zip_of(
        dir.path(),
        "bomb.zip",
        &[
            ("imsmanifest.xml", MANIFEST.as_bytes()),
            ("zeros.html", &bomb),
        ],
    );
    check(
        bomb,
        "zip bomb guard",
        "a page expanding 8 MiB of zeros from a few KiB",
    );
    let media = zip_of(
        dir.path(),
        "media.zip",
        &[
            ("imsmanifest.xml", MANIFEST.as_bytes()),
            ("one.html", b"<p>Hello there</p>"),
            ("video.mp4", &vec![0u8; 8 << 20]),
        ],
    );
    let (_, content) = read_package(&media)
        .expect("media is listed, never read, so it cannot trip the bomb guard");
    assert_eq!(
        content.modules[0].body.trim(),
        "Hello there",
        "the page still reads"
    );
    let dtd = MANIFEST.replace("<manifest", "<!DOCTYPE m [<!ENTITY e \"x\">]><manifest");
    let dtd = zip_of(
        dir.path(),
        "dtd.zip",
        &[("imsmanifest.xml", dtd.as_bytes())],
    );
    check(dtd, "refuses DTDs", "a DTD with an entity");
    // A zip whose entries are encrypted: the "encrypted" flag set in the local and the
    // central headers of a stored entry, as a password-protecting tool leaves it.
    let mut locked = std::fs::read(zip_of(
        dir.path(),
        "plain.zip",
        &[("imsmanifest.xml", MANIFEST.as_bytes())],
    ))
    .unwrap();
    for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        let at = locked.windows(4).position(|w| w == sig).unwrap();
        // General-purpose flags sit 6 bytes into a local header, 8 into a central one.
        let flags = at + if sig[2] == 3 { 6 } else { 8 };
        locked[flags] |= 1;
    }
    let locked_path = dir.path().join("locked.zip");
    std::fs::write(&locked_path, locked).unwrap();
    check(
        locked_path,
        "is a password-protected zip",
        "an encrypted package",
    );
    let ok = zip_of(
        dir.path(),
        "ok.zip",
        &[
            ("imsmanifest.xml", MANIFEST.as_bytes()),
            ("one.html", b"<p>Hello there</p><script>x()</script>"),
        ],
    );
    let (_, content) = read_package(&ok).unwrap();
    assert_eq!(
        content.modules[0].body.trim(),
        "Hello there",
        "launch text without scripts"
    );
}

#[test]
fn malformed_packages_are_named_with_the_reason() {
    let Some(result) = real("MalformedXml_SCORM12.zip") else {
        return;
    };
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("MalformedXml_SCORM12.zip")
            && err.contains("imsmanifest.xml is malformed XML"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let not_zip = dir.path().join("course.zip");
    std::fs::write(&not_zip, "not a zip").unwrap();
    let err = read_package(&not_zip).unwrap_err().to_string();
    assert!(err.contains("course.zip: not a readable zip"), "{err}");
}

#[test]
fn manifests_in_the_encoding_they_declare_read_and_undeclared_bytes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |declaration: &str, title: &[u8]| -> Vec<u8> {
        [
            format!("<?xml version=\"1.0\"{declaration}?><manifest identifier=\"m\"><metadata><schemaversion>1.2</schemaversion></metadata><organizations default=\"o\"><organization identifier=\"o\"><title>T</title><item identifier=\"i1\" identifierref=\"r1\"><title>").as_bytes(),
            title,
            b"</title></item></organization></organizations><resources><resource identifier=\"r1\" href=\"one.html\"/></resources></manifest>",
        ]
        .concat()
    };
    let page: &[u8] = b"<meta charset=\"iso-8859-1\"><p>R\xe8gles de s\xe9curit\xe9.</p>";
    let latin = zip_of(
        dir.path(),
        "latin.zip",
        &[
            (
                "imsmanifest.xml",
                &manifest(" encoding=\"ISO-8859-1\"", b"S\xe9curit\xe9"),
            ),
            ("one.html", page),
        ],
    );
    let (_, content) = read_package(&latin).unwrap();
    assert_eq!(
        (
            content.modules[0].title.as_str(),
            content.modules[0].body.trim()
        ),
        ("Sécurité", "Règles de sécurité."),
        "an older authoring tool's Latin-1 manifest reads by its declaration, its page by its \
         charset"
    );
    let undeclared = zip_of(
        dir.path(),
        "undeclared.zip",
        &[
            ("imsmanifest.xml", &manifest("", b"S\xe9curit\xe9")),
            ("one.html", page),
        ],
    );
    let err = read_package(&undeclared).unwrap_err().to_string();
    assert!(
        err.contains("undeclared.zip") && err.contains("imsmanifest.xml is not UTF-8 (byte"),
        "a manifest that declares nothing is UTF-8, as XML says; other bytes are named, not \
         guessed at: {err}"
    );
}

#[test]
fn aicc_script_prerequisites_read_as_all_any_or_n_of() {
    let ids: BTreeMap<String, String> = ["a", "b", "c"]
        .iter()
        .map(|i| ((*i).to_owned(), format!("m-{i}")))
        .collect();
    let check = |expr: &str, want: Option<(&[&str], PrerequisiteGroup)>, why: &str| {
        let got =
            scorm::script_requirement("m-x".to_owned(), expr, &ids).map(|r| (r.after, r.group));
        let want = want.map(|(after, group)| {
            (
                after.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
                group,
            )
        });
        assert_eq!(got, want, "{expr:?}: {why}");
    };
    use PrerequisiteGroup::{AllOf, AnyOf, NOf};
    check("a & b", Some((&["m-a", "m-b"], AllOf)), "& needs both");
    check("a AND b", Some((&["m-a", "m-b"], AllOf)), "AND is &");
    check(
        "a|b",
        Some((&["m-a", "m-b"], AnyOf)),
        "| needs either, spaces or not",
    );
    check("a OR b", Some((&["m-a", "m-b"], AnyOf)), "OR is |");
    check(
        "2*{a,b,c}",
        Some((&["m-a", "m-b", "m-c"], NOf { n: 2 })),
        "N*{…} needs N of the set",
    );
    check(
        "(a & b) | c",
        Some((&["m-a", "m-b", "m-c"], AllOf)),
        "a mixed expression is kept whole as all-of",
    );
    check(
        "a & zz",
        Some((&["m-a"], AllOf)),
        "an identifier no item has is left out",
    );
    check(
        "zz",
        None,
        "nothing named that the package has: no requirement",
    );
    check(
        "~a",
        None,
        "a negation says more than 'complete these first'",
    );
    check("NOT a", None, "so does NOT");
    check("a = passed", None, "and a status comparison");
}
