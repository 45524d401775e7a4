import { i3Project } from "../../vitest.shared.js";

export default i3Project("@i3/retrievers", 300_000);
