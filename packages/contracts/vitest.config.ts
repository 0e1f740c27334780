import { withoutDatabase } from "../../vitest.shared.ts";

export default withoutDatabase;
