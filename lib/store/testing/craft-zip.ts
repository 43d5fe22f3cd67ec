export { craftZip, endOfCentralDirectory, type CraftedEntry } from "../../format/testing/craft-zip";
