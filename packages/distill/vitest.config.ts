import { i3Project } from "../../vitest.shared.js";

export default i3Project("@i3/distill", 300_000);
